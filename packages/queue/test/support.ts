import { randomBytes } from 'node:crypto';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { type Logger, pino } from 'pino';
import { createRedis, deleteKeysWithPrefix } from '../src/connection';
import {
  type ProcessorMap,
  type StartWorkersOptions,
  startWorkers,
  type WorkerRuntime,
} from '../src/worker-runtime';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

// Under the run's QUEUE_PREFIX (set by the root global setup), so its teardown sweeps leftovers.
const runPrefix = process.env.QUEUE_PREFIX ?? `pftest-${randomBytes(4).toString('hex')}`;

/** A key prefix of its own for one test. */
export function testPrefix(name: string): string {
  return `${runPrefix}-q-${name}-${randomBytes(3).toString('hex')}`;
}

export async function deleteKeys(redis: Redis, prefix: string): Promise<void> {
  await deleteKeysWithPrefix(redis, `${prefix}:`);
}

export function plainRedis(): Redis {
  return new Redis(REDIS_URL, { maxRetriesPerRequest: null });
}

export interface CapturedLogger {
  logger: Logger;
  lines: Array<Record<string, unknown>>;
}

/** A pino logger whose JSON lines are parsed into `lines`. */
export function captureLogger(level: pino.LevelWithSilent = 'debug'): CapturedLogger {
  const lines: Array<Record<string, unknown>> = [];
  // pino accepts any object with write(); this one records synchronously.
  const destination = { write: (line: string) => void lines.push(JSON.parse(line)) };
  return { logger: pino({ level }, destination), lines };
}

/** A promise with its resolve function, to release a waiting processor. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** Keeps the event loop busy for `ms`, like a processor doing CPU work on the main thread. */
export function blockEventLoop(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // busy on purpose
  }
}

export interface QueueTestEnv {
  prefix: string;
  redis: Redis;
  /** The `scrape` queue on `redis`, to add jobs and read their state. */
  scrape: Queue;
}

/**
 * For each test of the calling `describe`: a key prefix of its own, a producer connection and the
 * `scrape` queue on it, handed to `use` before the test; returns `start`, which starts a worker
 * runtime (`defaults`, then `extra`) whose log lines are captured. After the test the runtimes
 * close, the prefix's keys are deleted and the connection quits.
 */
export function workerRuntimesPerTest(
  name: string,
  use: (env: QueueTestEnv) => void,
  defaults: Partial<StartWorkersOptions> = {},
) {
  let env: QueueTestEnv;
  const runtimes: WorkerRuntime[] = [];
  beforeEach(async () => {
    const prefix = testPrefix(name);
    const redis = createRedis(REDIS_URL, { role: 'producer', name: 'test' });
    const scrape = new Queue('scrape', { connection: redis, prefix });
    await scrape.waitUntilReady();
    env = { prefix, redis, scrape };
    use(env);
  });
  afterEach(async () => {
    await Promise.all(runtimes.splice(0).map((r) => r.close()));
    await deleteKeys(env.redis, env.prefix);
    await env.scrape.close();
    await env.redis.quit();
  });
  return (processors: ProcessorMap, extra: Partial<StartWorkersOptions> = {}) => {
    const captured = captureLogger();
    const runtime = startWorkers({
      app: 'test-app',
      redisUrl: REDIS_URL,
      prefix: env.prefix,
      logger: captured.logger,
      processors,
      shutdownTimeoutMs: 5_000,
      ...defaults,
      ...extra,
    });
    runtimes.push(runtime);
    return { runtime, lines: captured.lines };
  };
}

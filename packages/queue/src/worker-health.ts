// What a worker process answers on /livez and /readyz. Liveness: the event loop turns, and not
// too late (a loop blocked for seconds loses BullMQ locks, bullmq#2857). Readiness adds Redis
// answering, every BullMQ worker consuming, and the process not shutting down.
import { performance } from 'node:perf_hooks';
import type { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { EventLoopLagMonitor } from './event-loop-lag';
import type { QueueName } from './queues';
import { settlesWithin } from './settles-within';

export type HealthStatus = 'ok' | 'unavailable';

export interface EventLoopCheck {
  status: HealthStatus;
  lagMs: number;
  maxLagMs: number;
}

export interface RedisCheck {
  status: HealthStatus;
  /** PING round trip, when answered. */
  latencyMs?: number;
  error?: string;
}

/** `starting`: its Redis connections are not up yet; `stopped`: its main loop ended. */
export type WorkerState = 'starting' | 'running' | 'paused' | 'closing' | 'stopped';

export interface WorkersCheck {
  status: HealthStatus;
  queues: Partial<Record<QueueName, WorkerState>>;
}

export interface ShutdownCheck {
  status: HealthStatus;
  shuttingDown: boolean;
}

export interface LivenessReport {
  status: HealthStatus;
  checks: { eventLoop: EventLoopCheck };
}

export interface ReadinessReport {
  status: HealthStatus;
  checks: { redis: RedisCheck; workers: WorkersCheck; eventLoop: EventLoopCheck; shutdown: ShutdownCheck };
}

/** The parts of a worker runtime the checks look at. */
export interface WorkerHealthSource {
  connection: Pick<Redis, 'status' | 'ping'>;
  workers: Partial<Record<QueueName, Pick<Worker, 'closing' | 'isPaused' | 'isRunning'>>>;
  /** True once every worker's Redis connections are up. */
  started(): boolean;
  /** True from the moment close() is called (SIGTERM). */
  shuttingDown(): boolean;
}

export interface WorkerHealthOptions {
  maxEventLoopLagMs: number;
  /** How long Redis has to answer PING. */
  redisTimeoutMs?: number;
}

export interface WorkerHealth {
  liveness(): LivenessReport;
  readiness(): Promise<ReadinessReport>;
}

const overall = (checks: Record<string, { status: HealthStatus }>): HealthStatus =>
  Object.values(checks).every((c) => c.status === 'ok') ? 'ok' : 'unavailable';

async function checkRedis(
  connection: WorkerHealthSource['connection'],
  timeoutMs: number,
): Promise<RedisCheck> {
  // Not connected: answer at once rather than queue a PING until Redis is back.
  if (connection.status !== 'ready')
    return { status: 'unavailable', error: `connection ${connection.status}` };
  const started = performance.now();
  try {
    if (!(await settlesWithin(connection.ping(), timeoutMs)))
      return { status: 'unavailable', error: `no PING answer within ${timeoutMs} ms` };
    return { status: 'ok', latencyMs: Math.round(performance.now() - started) };
  } catch (err) {
    return { status: 'unavailable', error: err instanceof Error ? err.message : String(err) };
  }
}

function workerState(
  worker: Pick<Worker, 'closing' | 'isPaused' | 'isRunning'>,
  started: boolean,
): WorkerState {
  if (worker.closing) return 'closing';
  if (!started) return 'starting';
  if (worker.isPaused()) return 'paused';
  return worker.isRunning() ? 'running' : 'stopped';
}

export function workerHealth(
  source: WorkerHealthSource,
  lag: EventLoopLagMonitor,
  { maxEventLoopLagMs, redisTimeoutMs = 1_000 }: WorkerHealthOptions,
): WorkerHealth {
  const eventLoop = (): EventLoopCheck => {
    const lagMs = lag.lagMs();
    return { status: lagMs <= maxEventLoopLagMs ? 'ok' : 'unavailable', lagMs, maxLagMs: maxEventLoopLagMs };
  };
  const workers = (): WorkersCheck => {
    const queues: WorkersCheck['queues'] = {};
    for (const [queue, worker] of Object.entries(source.workers) as Array<[QueueName, Worker]>) {
      queues[queue] = workerState(worker, source.started());
    }
    const status = Object.values(queues).every((s) => s === 'running') ? 'ok' : 'unavailable';
    return { status, queues };
  };

  return {
    liveness() {
      const checks = { eventLoop: eventLoop() };
      return { status: overall(checks), checks };
    },
    async readiness() {
      const redis = await checkRedis(source.connection, redisTimeoutMs);
      const shuttingDown = source.shuttingDown();
      const checks = {
        redis,
        workers: workers(),
        eventLoop: eventLoop(),
        shutdown: { status: shuttingDown ? 'unavailable' : 'ok', shuttingDown } as ShutdownCheck,
      };
      return { status: overall(checks), checks };
    },
  };
}

import { once } from 'node:events';
import { FlowProducer, type Job, type JobsOptions, Queue, type QueueOptions } from 'bullmq';
import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from 'pino';
import { jobOptionsFor, type PayloadOf, parsePayload, QUEUE_NAMES, type QueueName } from './queues';

/**
 * - `worker`: BullMQ workers and other blocking readers. Commands wait out a Redis outage
 *   (`maxRetriesPerRequest: null`, offline queue on), as BullMQ requires for blocking calls.
 * - `producer`: API-side queues and flow producers. Fail fast so an HTTP request answers 503
 *   instead of hanging while Redis is down.
 * - `client`: plain commands and pub/sub (events, health, caches): a few retries, offline queue
 *   on so a subscription made before the connection is up still happens.
 */
export type RedisRole = 'worker' | 'producer' | 'client';

const ROLE_OPTIONS: Record<RedisRole, RedisOptions> = {
  worker: { maxRetriesPerRequest: null, enableOfflineQueue: true },
  producer: {
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    connectTimeout: 5_000,
    commandTimeout: 5_000,
  },
  client: { maxRetriesPerRequest: 3, enableOfflineQueue: true, connectTimeout: 5_000 },
};

export function createRedis(url: string, { role, name }: { role: RedisRole; name?: string }): Redis {
  return new Redis(url, {
    ...ROLE_OPTIONS[role],
    // Shows up in CLIENT LIST, which tells which app holds which connection.
    connectionName: name ? `podfleet:${name}:${role}` : undefined,
    // Reconnect forever with a capped backoff; workers must come back when Redis does.
    retryStrategy: (times) => Math.min(200 * 2 ** Math.min(times, 10), 5_000),
  });
}

/** Thrown instead of waiting when a producer's Redis connection is not up. */
export class RedisUnavailableError extends Error {
  readonly code = 'REDIS_UNAVAILABLE';
  readonly retryable = true;
  constructor(status: string) {
    super(`Redis is not reachable (connection ${status})`);
    this.name = 'RedisUnavailableError';
  }
}

/**
 * BullMQ waits for a connection to become ready before its first command, however the client
 * is configured, so a Queue.add while Redis is down would hang. Producers call this first.
 */
export function assertRedisReady(target: Redis | { opts: { connection: unknown } }): void {
  const client = target instanceof Redis ? target : target.opts.connection;
  if (client instanceof Redis && client.status !== 'ready') throw new RedisUnavailableError(client.status);
}

/** How long what a worker publishes as it starts waits for the connection it is still opening. */
const CONNECT_WAIT_MS = 30_000;

/**
 * Resolves once the connection is ready (at once when it is): a worker connection queues no
 * commands while it connects. Rejects after `timeoutMs`.
 */
export async function whenRedisReady(redis: Redis, timeoutMs = CONNECT_WAIT_MS): Promise<void> {
  if (redis.status !== 'ready') await once(redis, 'ready', { signal: AbortSignal.timeout(timeoutMs) });
}

/** Options for a BullMQ Queue of the catalog: shared connection, key prefix, default job options. */
export function queueOptions(connection: Redis, prefix: string, queue: QueueName): QueueOptions {
  return { connection, prefix, defaultJobOptions: jobOptionsFor(queue) };
}

export type QueueSet = { [Q in QueueName]: Queue<PayloadOf<Q>> };

/** One BullMQ Queue per catalog entry on a shared (usually `producer`) connection. */
export function createQueues(connection: Redis, prefix: string): QueueSet {
  const entries = QUEUE_NAMES.map((name) => [name, new Queue(name, queueOptions(connection, prefix, name))]);
  return Object.fromEntries(entries) as QueueSet;
}

export async function closeQueues(queues: QueueSet): Promise<void> {
  await Promise.all(Object.values(queues).map((q) => q.close()));
}

export function createFlowProducer(connection: Redis, prefix: string): FlowProducer {
  return new FlowProducer({ connection, prefix });
}

/**
 * BullMQ loses jobs when Redis evicts keys (bullmq#1046): anything but `noeviction` is a
 * misconfiguration. Returns the policy, or null when the server does not allow CONFIG
 * (common on managed Redis); both problems are logged as warnings, never thrown.
 */
export async function checkNoEviction(redis: Redis, logger: Logger): Promise<string | null> {
  let policy: string | null = null;
  try {
    const reply = (await redis.call('CONFIG', 'GET', 'maxmemory-policy')) as unknown;
    if (Array.isArray(reply) && typeof reply[1] === 'string') policy = reply[1];
  } catch (err) {
    logger.warn(
      { err: err instanceof Error ? err.message : String(err) },
      'could not read Redis maxmemory-policy (CONFIG GET refused, as on some managed Redis); make sure it is "noeviction" or queued jobs can be lost',
    );
    return null;
  }
  if (policy === null) {
    logger.warn(
      'Redis did not report maxmemory-policy; make sure it is "noeviction" or queued jobs can be lost',
    );
  } else if (policy !== 'noeviction') {
    logger.warn(
      { maxmemoryPolicy: policy },
      `Redis maxmemory-policy is "${policy}", not "noeviction": Redis may evict queue keys and LOSE JOBS. Set maxmemory-policy noeviction (CONFIG SET maxmemory-policy noeviction, or in redis.conf / your provider's settings)`,
    );
  }
  return policy;
}

/** Adds one job to a catalog queue after validating its payload; the queue's defaults apply. */
export async function addJob<Q extends QueueName>(
  queues: QueueSet,
  queue: Q,
  payload: PayloadOf<Q>,
  opts?: JobsOptions,
): Promise<Job<PayloadOf<Q>>> {
  const data = parsePayload(queue, payload);
  assertRedisReady(queues[queue]);
  // The mapped QueueSet type does not narrow on a generic Q; the payload was validated above.
  const target = queues[queue] as unknown as Queue<unknown, unknown, string>;
  return (await target.add(queue, data, opts)) as Job<PayloadOf<Q>>;
}

/** Deletes every key starting with `prefix` (SCAN + UNLINK, never KEYS): a test run's or a bench's keys. */
export async function deleteKeysWithPrefix(redis: Redis, prefix: string): Promise<number> {
  if (prefix.length === 0) throw new Error('refusing to delete every key: the prefix is empty');
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) deleted += await redis.unlink(...keys);
  } while (cursor !== '0');
  return deleted;
}

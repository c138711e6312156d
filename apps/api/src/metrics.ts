import type { PrismaClient } from '@podfleet/db';
import { SKIP_REASONS } from '@podfleet/pregeneration';
import { assertRedisReady, type Logger, QUEUE_NAMES, type QueueSet } from '@podfleet/queue';
import type { NextFunction, Request, Response } from 'express';
import type { Redis } from 'ioredis';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { routePattern } from './middleware/tracing';
import { type CostAndLatency, readCacheAndRuns, readCostAndLatency } from './services/pregeneration-figures';

const PREFIX = 'podfleet_';
/** The BullMQ job states counted per queue (in /metrics and /v1/stats). */
export const QUEUE_STATES = [
  'waiting',
  'prioritized',
  'delayed',
  'active',
  'waiting-children',
  'completed',
  'failed',
] as const;
/** Database- and Redis-backed values are read at most this often, however many scrapers ask. */
const SNAPSHOT_TTL_MS = 1_000;
const RUN_OUTCOMES = ['successful', 'failed', 'skipped', 'deferred'] as const;

/** Records one value of a metric; a labelled metric's, under `labels`. */
type Put = (value: number, labels?: Record<string, string>) => void;

interface DbSnapshot extends CostAndLatency {
  jobsByStatus: Array<{ status: string; count: number }>;
  costUsd: number;
  oldestWaitingSec: number;
  stages: Record<string, { count?: number; p50Ms?: number | null; p95Ms?: number | null }>;
}

/** One reading of `read` serves every caller for `ttlMs`; a failed reading is not kept. */
function snapshot<T>(read: () => Promise<T>, ttlMs: number): () => Promise<T> {
  let last: { at: number; value: Promise<T> } | null = null;
  return () => {
    if (last && Date.now() - last.at < ttlMs) return last.value;
    const value = read();
    const entry = { at: Date.now(), value };
    last = entry;
    value.catch(() => {
      if (last === entry) last = null;
    });
    return value;
  };
}

export interface ApiMetrics {
  registry: Registry;
  /** Express middleware timing every request by route pattern (not raw URL: ids would explode cardinality). */
  httpTimer: (req: Request, res: Response, next: NextFunction) => void;
}

export interface MetricsDependencies {
  db: PrismaClient;
  /** Producer connection: cache counters and pre-generation runs (fleet-wide, under `prefix`). */
  redis: Redis;
  prefix: string;
  queues: QueueSet;
  logger: Logger;
  /** Now, for the cost and time-to-first-audio windows. */
  clock: () => Date;
}

/**
 * The API's Prometheus registry. Request latency is measured here; everything about the fleet
 * (queue depth, job outcomes, stage durations, cost) is read at scrape time from Redis and
 * PostgreSQL, which every worker already writes, so any API replica reports the same fleet-wide
 * numbers; each worker's own /metrics (@podfleet/telemetry) counts what that process did. Stage
 * durations come from job_stages as p50/p95 over the last 24 h (generation_job_stats), exposed as
 * gauges by quantile. Episode-cache
 * counters and pre-generation runs come from Redis, where every replica and worker adds to them.
 */
export function createMetrics(deps: MetricsDependencies): ApiMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: PREFIX });

  const httpDuration = new Histogram({
    name: `${PREFIX}http_request_duration_seconds`,
    help: 'HTTP request latency by method, route pattern and status',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });

  const readDb = snapshot(async (): Promise<DbSnapshot> => {
    const [jobsByStatus, cost, waiting, stats, costAndLatency] = await Promise.all([
      deps.db.$queryRaw<Array<{ status: string; count: number }>>`
        SELECT status::text AS status, count(*)::int AS count FROM jobs GROUP BY status`,
      deps.db.$queryRaw<Array<{ total: number | null }>>`SELECT sum(cost_usd)::float8 AS total FROM jobs`,
      // A job in the queue with no stage running waits for its next stage: since it was enqueued
      // or since its last stage finished. Jobs waiting for a slot of their user are not in the queue.
      deps.db.$queryRaw<Array<{ seconds: number | null }>>`
        SELECT extract(epoch FROM now() - min(since))::float8 AS seconds FROM (
          SELECT greatest(j.enqueued_at, max(s.finished_at)) AS since
            FROM jobs j LEFT JOIN job_stages s ON s.job_id = j.id
           WHERE j.status IN ('queued', 'running') AND j.enqueued_at IS NOT NULL
           GROUP BY j.id, j.enqueued_at
          HAVING NOT bool_or(coalesce(s.status = 'running', false))
        ) waiting`,
      deps.db.generationJobStats.findUnique({ where: { period: 'last_24h' } }),
      readCostAndLatency(deps.db, deps.clock()),
    ]);
    return {
      jobsByStatus,
      costUsd: cost[0]?.total ?? 0,
      oldestWaitingSec: Math.max(0, waiting[0]?.seconds ?? 0),
      stages: (stats?.stages ?? {}) as DbSnapshot['stages'],
      ...costAndLatency,
    };
  }, SNAPSHOT_TTL_MS);
  const readRedis = snapshot(() => {
    assertRedisReady(deps.redis); // ioredis would queue the commands until Redis is back
    return readCacheAndRuns(deps.redis, deps.prefix);
  }, SNAPSHOT_TTL_MS);

  type MetricType = 'gauge' | 'counter';
  type MetricMeta = { name: string; help: string; labelNames?: readonly string[] };

  /** Registers a metric whose values `collect` puts at scrape time (a counter's is its total). */
  const collected = (
    type: MetricType,
    meta: MetricMeta,
    collect: (put: Put, reset: () => void) => Promise<void>,
  ) => {
    const config = {
      ...meta,
      name: `${PREFIX}${meta.name}`,
      registers: [registry],
      collect(this: Gauge | Counter) {
        const put: Put = (value, labels = {}) =>
          this instanceof Gauge ? this.set(labels, value) : this.inc(labels, value);
        return collect(put, () => this.reset());
      },
    };
    if (type === 'gauge') new Gauge(config);
    else new Counter(config);
  };

  /**
   * Metrics read from a snapshot: each is emptied before `fill` puts its values (a label not put
   * this time is gone). When the snapshot cannot be read, a database-backed metric keeps its last
   * values and a Redis-backed one is emptied (no stale values while Redis is away).
   */
  const fromSnapshot =
    <S>(read: () => Promise<S>, source: 'the database' | 'Redis') =>
    (type: MetricType, meta: MetricMeta, what: string, fill: (snapshot: S, put: Put) => void) =>
      collected(type, meta, async (put, reset) => {
        try {
          const value = await read();
          reset();
          fill(value, put);
        } catch (err) {
          if (source === 'Redis') reset();
          deps.logger.warn({ err }, `metrics: could not read ${what} from ${source}`);
        }
      });
  const fromDb = fromSnapshot(readDb, 'the database');
  const fromRedis = fromSnapshot(readRedis, 'Redis');

  collected(
    'gauge',
    { name: 'queue_jobs', help: 'BullMQ jobs per queue and state', labelNames: ['queue', 'state'] },
    async (put, reset) => {
      try {
        assertRedisReady(deps.queues.scrape);
        const counts = await Promise.all(
          QUEUE_NAMES.map((q) => deps.queues[q].getJobCounts(...QUEUE_STATES)),
        );
        reset();
        QUEUE_NAMES.forEach((queue, i) => {
          for (const state of QUEUE_STATES) put(counts[i]?.[state] ?? 0, { queue, state });
        });
      } catch (err) {
        reset(); // no stale depths while Redis is down
        deps.logger.warn({ err }, 'metrics: could not read queue counts');
      }
    },
  );

  fromDb(
    'gauge',
    {
      name: 'jobs',
      help: 'Episode jobs by status (queued, running, completed, failed, cancelled)',
      labelNames: ['status'],
    },
    'job counts',
    ({ jobsByStatus }, put) => {
      for (const status of ['queued', 'running', 'completed', 'failed', 'cancelled']) put(0, { status });
      for (const row of jobsByStatus) put(row.count, { status: row.status });
    },
  );

  fromDb(
    'gauge',
    {
      name: 'oldest_waiting_job_seconds',
      help: 'How long the longest-waiting job in the queue has waited for its next stage to start (0: none waits)',
    },
    'waiting jobs',
    ({ oldestWaitingSec }, put) => put(oldestWaitingSec),
  );

  fromDb(
    'gauge',
    {
      name: 'stage_duration_seconds',
      help: 'Stage run duration over the last 24 h by stage and quantile (0.5, 0.95), from job_stages',
      labelNames: ['stage', 'quantile'],
    },
    'stage durations',
    ({ stages }, put) => {
      for (const [stage, s] of Object.entries(stages)) {
        if (typeof s.p50Ms === 'number') put(s.p50Ms / 1000, { stage, quantile: '0.5' });
        if (typeof s.p95Ms === 'number') put(s.p95Ms / 1000, { stage, quantile: '0.95' });
      }
    },
  );

  fromDb(
    'gauge',
    {
      name: 'stage_runs_24h',
      help: 'Completed stage runs over the last 24 h by stage',
      labelNames: ['stage'],
    },
    'stage runs',
    ({ stages }, put) => {
      for (const [stage, s] of Object.entries(stages)) put(s.count ?? 0, { stage });
    },
  );

  fromDb(
    'counter',
    { name: 'cost_usd_total', help: 'Estimated provider cost of all jobs in USD' },
    'cost',
    ({ costUsd }, put) => put(costUsd),
  );

  fromRedis(
    'counter',
    {
      name: 'cache_hits_total',
      help: 'Daily/weekly requests answered by the episode cache, fleet-wide: from Redis, or from the database after the key was gone',
      labelNames: ['source'],
    },
    'cache counters',
    ({ cache }, put) => {
      put(cache.hits, { source: 'redis' });
      put(cache.fallbacks, { source: 'database' });
    },
  );

  fromRedis(
    'counter',
    {
      name: 'cache_misses_total',
      help: 'Daily/weekly requests the episode cache could not answer (a job was made or joined), fleet-wide',
    },
    'cache counters',
    ({ cache }, put) => put(cache.misses),
  );

  fromRedis(
    'gauge',
    {
      name: 'cache_hit_ratio',
      help: 'Episode-cache hits (Redis or database) over all lookups since the counters began',
    },
    'cache counters',
    ({ cache }, put) => {
      if (cache.hitRate !== null) put(cache.hitRate);
    },
  );

  fromRedis(
    'gauge',
    {
      name: 'pregeneration_jobs',
      help: 'Decisions of the last pre-generation run by outcome (successful = enqueued)',
      labelNames: ['outcome'],
    },
    'pre-generation runs',
    ({ pregeneration: { lastRun } }, put) => {
      if (lastRun) for (const outcome of RUN_OUTCOMES) put(lastRun[outcome], { outcome });
    },
  );

  fromRedis(
    'gauge',
    {
      name: 'pregeneration_skipped_users',
      help: 'Users the last pre-generation run skipped, by reason',
      labelNames: ['reason'],
    },
    'pre-generation runs',
    ({ pregeneration: { lastRun } }, put) => {
      if (lastRun) for (const reason of SKIP_REASONS) put(lastRun.skippedByReason[reason] ?? 0, { reason });
    },
  );

  fromRedis(
    'gauge',
    {
      name: 'pregeneration_last_run_timestamp_seconds',
      help: 'When the last pre-generation run happened (its `now`), as a Unix time',
    },
    'pre-generation runs',
    ({ pregeneration: { lastRun } }, put) => {
      if (lastRun) put(Date.parse(lastRun.at) / 1000);
    },
  );

  fromDb(
    'gauge',
    {
      name: 'pregeneration_outcomes',
      help: 'Pre-generated jobs created in the last 24 h by what became of them (completed, failed, cancelled, in_flight)',
      labelNames: ['outcome'],
    },
    'pre-generation outcomes',
    ({ pregenerationOutcomes: o }, put) => {
      const counts = {
        completed: o.completed,
        failed: o.failed,
        cancelled: o.cancelled,
        in_flight: o.inFlight,
      };
      for (const [outcome, count] of Object.entries(counts)) put(count, { outcome });
    },
  );

  fromDb(
    'gauge',
    {
      name: 'pregeneration_success_ratio',
      help: 'Pre-generated jobs of the last 24 h that completed, over those that completed or failed',
    },
    'pre-generation outcomes',
    ({ pregenerationOutcomes: o }, put) => {
      if (o.successRate !== null) put(o.successRate);
    },
  );

  fromDb(
    'gauge',
    {
      name: 'time_to_first_audio_seconds',
      help: 'From an episode request to an audio URL (a cache hit: its answer; else its job completing), over the last 24 h of requests, by quantile (0.5, 0.95)',
      labelNames: ['quantile'],
    },
    'time to first audio',
    ({ timeToFirstAudio: t }, put) => {
      if (t.p50Ms !== null) put(t.p50Ms / 1000, { quantile: '0.5' });
      if (t.p95Ms !== null) put(t.p95Ms / 1000, { quantile: '0.95' });
    },
  );

  fromDb(
    'gauge',
    {
      name: 'time_to_first_audio_jobs_24h',
      help: 'Episode requests of the last 24 h whose audio exists (the sample behind the quantiles)',
    },
    'time to first audio',
    ({ timeToFirstAudio: t }, put) => put(t.count),
  );

  fromDb(
    'gauge',
    {
      name: 'cost_per_user_day_usd',
      help: 'Estimated provider cost of one user on one UTC day over the last 7 days: mean and max',
      labelNames: ['stat'],
    },
    'cost per user per day',
    ({ costPerUserPerDay: c }, put) => {
      if (c.avgUsd !== null) put(c.avgUsd, { stat: 'avg' });
      if (c.maxUsd !== null) put(c.maxUsd, { stat: 'max' });
    },
  );

  const httpTimer = (req: Request, res: Response, next: NextFunction) => {
    const start = process.hrtime.bigint();
    res.on('finish', () => {
      const route = routePattern(req);
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      httpDuration.observe({ method: req.method, route, status_code: String(res.statusCode) }, seconds);
    });
    next();
  };

  return { registry, httpTimer };
}

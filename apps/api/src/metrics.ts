import type { PrismaClient } from '@podfleet/db';
import { assertRedisReady, type Logger, QUEUE_NAMES, type QueueSet } from '@podfleet/queue';
import type { NextFunction, Request, Response } from 'express';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

const PREFIX = 'podfleet_';
const QUEUE_STATES = [
  'waiting',
  'prioritized',
  'delayed',
  'active',
  'waiting-children',
  'completed',
  'failed',
] as const;
/** Database-backed values are read at most this often, however many scrapers ask. */
const DB_SNAPSHOT_TTL_MS = 1_000;

interface DbSnapshot {
  jobsByStatus: Array<{ status: string; count: number }>;
  costUsd: number;
  stages: Record<string, { count?: number; p50Ms?: number | null; p95Ms?: number | null }>;
}

export interface ApiMetrics {
  registry: Registry;
  /** Express middleware timing every request by route pattern (not raw URL: ids would explode cardinality). */
  httpTimer: (req: Request, res: Response, next: NextFunction) => void;
  /** Episode-cache lookups in this process (issue 6's cache path increments it). */
  cacheLookups: Counter<'result'>;
}

/**
 * The API's Prometheus registry. Request latency is measured here; everything about the fleet
 * (queue depth, job outcomes, stage durations, cost) is read at scrape time from Redis and
 * PostgreSQL, which every worker already writes, so workers need no metrics endpoint and any
 * API replica reports the same fleet-wide numbers. Stage durations come from job_stages as
 * p50/p95 over the last 24 h (generation_job_stats), exposed as gauges by quantile.
 */
export function createMetrics(deps: { db: PrismaClient; queues: QueueSet; logger: Logger }): ApiMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: PREFIX });

  const httpDuration = new Histogram({
    name: `${PREFIX}http_request_duration_seconds`,
    help: 'HTTP request latency by method, route pattern and status',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });

  let snapshot: { at: number; value: Promise<DbSnapshot> } | null = null;
  const readDb = (): Promise<DbSnapshot> => {
    if (snapshot && Date.now() - snapshot.at < DB_SNAPSHOT_TTL_MS) return snapshot.value;
    const value = (async () => {
      const [jobsByStatus, cost, stats] = await Promise.all([
        deps.db.$queryRaw<Array<{ status: string; count: number }>>`
          SELECT status::text AS status, count(*)::int AS count FROM jobs GROUP BY status`,
        deps.db.$queryRaw<Array<{ total: number | null }>>`SELECT sum(cost_usd)::float8 AS total FROM jobs`,
        deps.db.generationJobStats.findUnique({ where: { period: 'last_24h' } }),
      ]);
      return {
        jobsByStatus,
        costUsd: cost[0]?.total ?? 0,
        stages: (stats?.stages ?? {}) as DbSnapshot['stages'],
      };
    })();
    snapshot = { at: Date.now(), value };
    value.catch(() => {
      if (snapshot?.value === value) snapshot = null;
    });
    return value;
  };
  const fromDb = async (what: string, apply: (s: DbSnapshot) => void) => {
    try {
      apply(await readDb());
    } catch (err) {
      deps.logger.warn({ err }, `metrics: could not read ${what} from the database`);
    }
  };

  new Gauge({
    name: `${PREFIX}queue_jobs`,
    help: 'BullMQ jobs per queue and state',
    labelNames: ['queue', 'state'] as const,
    registers: [registry],
    async collect() {
      try {
        assertRedisReady(deps.queues.scrape);
        const counts = await Promise.all(
          QUEUE_NAMES.map((q) => deps.queues[q].getJobCounts(...QUEUE_STATES)),
        );
        this.reset();
        QUEUE_NAMES.forEach((queue, i) => {
          for (const state of QUEUE_STATES) this.set({ queue, state }, counts[i]?.[state] ?? 0);
        });
      } catch (err) {
        this.reset(); // no stale depths while Redis is down
        deps.logger.warn({ err }, 'metrics: could not read queue counts');
      }
    },
  });

  new Gauge({
    name: `${PREFIX}jobs`,
    help: 'Episode jobs by status (queued, running, completed, failed, cancelled)',
    labelNames: ['status'] as const,
    registers: [registry],
    async collect() {
      await fromDb('job counts', ({ jobsByStatus }) => {
        this.reset();
        for (const status of ['queued', 'running', 'completed', 'failed', 'cancelled'])
          this.set({ status }, 0);
        for (const row of jobsByStatus) this.set({ status: row.status }, row.count);
      });
    },
  });

  new Gauge({
    name: `${PREFIX}stage_duration_seconds`,
    help: 'Stage run duration over the last 24 h by stage and quantile (0.5, 0.95), from job_stages',
    labelNames: ['stage', 'quantile'] as const,
    registers: [registry],
    async collect() {
      await fromDb('stage durations', ({ stages }) => {
        this.reset();
        for (const [stage, s] of Object.entries(stages)) {
          if (typeof s.p50Ms === 'number') this.set({ stage, quantile: '0.5' }, s.p50Ms / 1000);
          if (typeof s.p95Ms === 'number') this.set({ stage, quantile: '0.95' }, s.p95Ms / 1000);
        }
      });
    },
  });

  new Gauge({
    name: `${PREFIX}stage_runs_24h`,
    help: 'Completed stage runs over the last 24 h by stage',
    labelNames: ['stage'] as const,
    registers: [registry],
    async collect() {
      await fromDb('stage runs', ({ stages }) => {
        this.reset();
        for (const [stage, s] of Object.entries(stages)) this.set({ stage }, s.count ?? 0);
      });
    },
  });

  new Counter({
    name: `${PREFIX}cost_usd_total`,
    help: 'Estimated provider cost of all jobs in USD',
    registers: [registry],
    async collect() {
      await fromDb('cost', ({ costUsd }) => {
        this.reset();
        this.inc(costUsd);
      });
    },
  });

  const cacheLookups = new Counter({
    name: `${PREFIX}episode_cache_lookups_total`,
    help: 'Daily/weekly episode cache lookups by result (hit, miss) in this process',
    labelNames: ['result'] as const,
    registers: [registry],
  });
  cacheLookups.inc({ result: 'hit' }, 0);
  cacheLookups.inc({ result: 'miss' }, 0);

  const httpTimer = (req: Request, res: Response, next: NextFunction) => {
    const start = process.hrtime.bigint();
    res.on('finish', () => {
      const route = req.route ? `${req.baseUrl}${String(req.route.path)}` : req.baseUrl || 'unmatched';
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      httpDuration.observe({ method: req.method, route, status_code: String(res.statusCode) }, seconds);
    });
    next();
  };

  return { registry, httpTimer, cacheLookups };
}

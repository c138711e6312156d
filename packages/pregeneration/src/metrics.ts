// Numbers for GET /v1/stats and /metrics: the last pre-generation runs (Redis) and what became of
// their jobs, cost per user per day and time to first audio (SQL). Cache counters live in cache.ts.
import type { PrismaClient } from '@podfleet/db';
import type { EpisodeKind } from '@podfleet/pipeline';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { DeliverySource } from './delivery-log';
import type { PregenerationMode, SkipReason } from './targeting';

const RUNS_KEPT = 30;
const runsKey = (prefix: string) => `${prefix}:pregenerate:runs`;

/** What one pre-generation run did (runPregeneration's result, recorded by recordPregenerationRun). */
export interface PregenerationSummary {
  mode: PregenerationMode;
  /** `now` of the run (ISO). */
  at: string;
  /** Every decision: successful + failed + skipped + deferred. */
  total: number;
  /** Jobs enqueued (or left waiting for a per-user slot). */
  successful: number;
  failed: number;
  skipped: number;
  /** Targets handed to a background `pregenerate` job (deferWhenFull). */
  deferred: number;
  skippedByReason: Record<SkipReason, number>;
  errors: Array<{ userId: string; kind: EpisodeKind; message: string }>;
  durationMs: number;
}

/** What is kept of a run: its counts and its first few errors (`errorCount` has them all). */
export type StoredRun = PregenerationSummary & { errorCount: number };

const storedRunSchema = z.object({
  mode: z.enum(['scheduled', 'all']),
  at: z.string(),
  total: z.number(),
  successful: z.number(),
  failed: z.number(),
  skipped: z.number(),
  deferred: z.number(),
  skippedByReason: z.record(
    z.enum(['disabled', 'not-local-hour', 'no-sources', 'inactive', 'over-quota', 'already-generated']),
    z.number(),
  ),
  errors: z.array(z.object({ userId: z.string(), kind: z.enum(['daily', 'weekly']), message: z.string() })),
  errorCount: z.number(),
  durationMs: z.number(),
});

/** Prepends a run summary to `${prefix}:pregenerate:runs`, keeping the last 30. */
export async function recordPregenerationRun(
  redis: Redis,
  prefix: string,
  summary: PregenerationSummary,
): Promise<void> {
  const stored: StoredRun = {
    ...summary,
    errors: summary.errors.slice(0, 5),
    errorCount: summary.errors.length,
  };
  await redis
    .multi()
    .lpush(runsKey(prefix), JSON.stringify(stored))
    .ltrim(runsKey(prefix), 0, RUNS_KEPT - 1)
    .exec();
}

/** The latest runs, newest first. */
export async function listPregenerationRuns(
  redis: Redis,
  prefix: string,
  limit = RUNS_KEPT,
): Promise<StoredRun[]> {
  const raw = await redis.lrange(runsKey(prefix), 0, Math.max(0, limit - 1));
  return raw.flatMap((entry) => {
    const parsed = storedRunSchema.safeParse(JSON.parse(entry));
    return parsed.success ? [parsed.data as StoredRun] : [];
  });
}

export interface UserDayCost {
  userId: string;
  /** UTC calendar day `yyyy-mm-dd` the jobs were created on. */
  day: string;
  jobs: number;
  costUsd: number;
}

/** Estimated provider cost per user and UTC day, over jobs created in [since, until). */
export async function costPerUserPerDay(
  db: PrismaClient,
  { since, until = new Date('9999-12-31T00:00:00Z') }: { since: Date; until?: Date },
): Promise<UserDayCost[]> {
  const rows = await db.$queryRaw<Array<{ userId: string; day: string; jobs: number; costUsd: number }>>`
    SELECT user_id AS "userId",
           to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day,
           count(*)::int AS jobs,
           sum(cost_usd)::double precision AS "costUsd"
      FROM jobs
     WHERE created_at >= ${since} AND created_at < ${until}
     GROUP BY 1, 2
     ORDER BY 2, 1`;
  return rows;
}

export interface TimeToFirstAudio {
  /** Requests in the window whose audio URL exists (cache hits, and jobs that completed). */
  count: number;
  p50Ms: number | null;
  p95Ms: number | null;
  avgMs: number | null;
  /** The same per way of answering: cache, generated (a new job), joined (a job in flight). */
  bySource: Record<DeliverySource, { count: number; p50Ms: number | null; p95Ms: number | null }>;
}

/**
 * From an episode request to an audio URL, over requests made since `since`: a cache hit's own
 * answer time, else until the job that answers it completed (its episode published). Requests
 * whose job has not completed (or failed) are not counted; pre-generated jobs have no request.
 */
export async function timeToFirstAudio(
  db: PrismaClient,
  { since }: { since: Date },
): Promise<TimeToFirstAudio> {
  const rows = await db.$queryRaw<
    Array<{
      source: DeliverySource | null;
      count: number;
      p50Ms: number | null;
      p95Ms: number | null;
      avgMs: number | null;
    }>
  >`
    WITH delivered AS (
      SELECT r.source,
             CASE WHEN r.source = 'cache' THEN r.answer_ms::float8
                  ELSE greatest(0, EXTRACT(EPOCH FROM (j.completed_at - r.requested_at)) * 1000) END AS ms
        FROM episode_requests r LEFT JOIN jobs j ON j.id = r.job_id
       WHERE r.requested_at >= ${since}
         AND (r.source = 'cache' OR (j.status = 'completed' AND j.episode_id IS NOT NULL)))
    SELECT source,
           count(*)::int AS count,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY ms)::float8 AS "p50Ms",
           percentile_cont(0.95) WITHIN GROUP (ORDER BY ms)::float8 AS "p95Ms",
           avg(ms)::float8 AS "avgMs"
      FROM delivered
     GROUP BY GROUPING SETS ((source), ())`;
  const empty = { count: 0, p50Ms: null, p95Ms: null };
  const all = rows.find((r) => r.source === null);
  const of = (source: DeliverySource) => {
    const row = rows.find((r) => r.source === source);
    return row ? { count: row.count, p50Ms: row.p50Ms, p95Ms: row.p95Ms } : empty;
  };
  return {
    count: all?.count ?? 0,
    p50Ms: all?.p50Ms ?? null,
    p95Ms: all?.p95Ms ?? null,
    avgMs: all?.avgMs ?? null,
    bySource: { cache: of('cache'), generated: of('generated'), joined: of('joined') },
  };
}

export interface PregenerationOutcomes {
  /** Pre-generated jobs created in the window. */
  jobs: number;
  completed: number;
  failed: number;
  cancelled: number;
  /** Still queued or running. */
  inFlight: number;
  /** completed / (completed + failed); null before any finished. */
  successRate: number | null;
}

/** What became of the pre-generated jobs created since `since`: outcomes, not submissions. */
export async function pregenerationOutcomes(
  db: PrismaClient,
  { since }: { since: Date },
): Promise<PregenerationOutcomes> {
  const rows = await db.job.groupBy({
    by: ['status'],
    where: { pregenerated: true, createdAt: { gte: since } },
    _count: { _all: true },
  });
  const count = (...statuses: string[]) =>
    rows.filter((r) => statuses.includes(r.status)).reduce((sum, r) => sum + r._count._all, 0);
  const completed = count('completed');
  const failed = count('failed');
  return {
    jobs: count('queued', 'running', 'completed', 'failed', 'cancelled'),
    completed,
    failed,
    cancelled: count('cancelled'),
    inFlight: count('queued', 'running'),
    successRate: completed + failed > 0 ? completed / (completed + failed) : null,
  };
}

// Numbers for GET /v1/stats and /metrics: the last pre-generation runs (Redis), cost per user
// per day and time-to-first-audio (SQL over jobs). Cache counters live in cache.ts.
import type { PrismaClient } from '@podfleet/db';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { PregenerationSummary } from './run';

const RUNS_KEPT = 30;
const runsKey = (prefix: string) => `${prefix}:pregenerate:runs`;

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
  /** Jobs whose audio stage completed in the window. */
  count: number;
  p50Ms: number | null;
  p95Ms: number | null;
  avgMs: number | null;
}

/**
 * From job creation to its audio stage completing (the MP3 exists), over audio stages finished
 * since `since`. Pre-generated jobs are excluded by default: nobody waited for them.
 */
export async function timeToFirstAudio(
  db: PrismaClient,
  { since, includePregenerated = false }: { since: Date; includePregenerated?: boolean },
): Promise<TimeToFirstAudio> {
  const [row] = await db.$queryRaw<TimeToFirstAudio[]>`
    SELECT count(*)::int AS count,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY ms)::double precision AS "p50Ms",
           percentile_cont(0.95) WITHIN GROUP (ORDER BY ms)::double precision AS "p95Ms",
           avg(ms)::double precision AS "avgMs"
      FROM (SELECT EXTRACT(EPOCH FROM (s.finished_at - j.created_at)) * 1000 AS ms
              FROM job_stages s JOIN jobs j ON j.id = s.job_id
             WHERE s.stage = 'audio' AND s.status = 'completed' AND s.finished_at >= ${since}
               AND (${includePregenerated} OR NOT j.pregenerated)) t`;
  return row ?? { count: 0, p50Ms: null, p95Ms: null, avgMs: null };
}

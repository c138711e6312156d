// The fleet's figures per UTC day: computed from the job and request rows while they are kept,
// read from job_daily_stats once the cleanup rolled a day up and deleted its rows. One query
// makes both, so a day reads the same before and after its rows go.
import type { PrismaClient } from '@podfleet/db';

export interface DayFigures {
  /** `yyyy-mm-dd`, UTC. */
  day: string;
  jobs: number;
  completed: number;
  failed: number;
  cancelled: number;
  pregeneratedCompleted: number;
  pregeneratedFailed: number;
  costUsd: number;
  jobP50Ms: number | null;
  jobP95Ms: number | null;
  /** Episode requests whose audio URL exists, and their time to first audio. */
  requests: number;
  firstAudioP50Ms: number | null;
  firstAudioP95Ms: number | null;
  /** Read from job_daily_stats (its rows deleted) rather than computed from the rows. */
  rolledUp: boolean;
}

const DAY_MS = 86_400_000;
const dayOf = (at: Date) => at.toISOString().slice(0, 10);

/** Figures of every UTC day in [from, to) that has jobs or requests, computed from the rows. */
export async function computeDailyFigures(
  db: PrismaClient,
  { from, to }: { from: Date; to: Date },
): Promise<Array<Omit<DayFigures, 'rolledUp'>>> {
  return db.$queryRaw<Array<Omit<DayFigures, 'rolledUp'>>>`
    WITH job_days AS (
      SELECT to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day,
             count(*)::int AS jobs,
             count(*) FILTER (WHERE status = 'completed')::int AS completed,
             count(*) FILTER (WHERE status = 'failed')::int AS failed,
             count(*) FILTER (WHERE status = 'cancelled')::int AS cancelled,
             count(*) FILTER (WHERE pregenerated AND status = 'completed')::int AS "pregeneratedCompleted",
             count(*) FILTER (WHERE pregenerated AND status = 'failed')::int AS "pregeneratedFailed",
             coalesce(sum(cost_usd), 0)::float8 AS "costUsd",
             percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM completed_at - created_at) * 1000)
               FILTER (WHERE status = 'completed' AND completed_at IS NOT NULL)::float8 AS "jobP50Ms",
             percentile_cont(0.95) WITHIN GROUP (ORDER BY extract(epoch FROM completed_at - created_at) * 1000)
               FILTER (WHERE status = 'completed' AND completed_at IS NOT NULL)::float8 AS "jobP95Ms"
        FROM jobs
       WHERE created_at >= ${from} AND created_at < ${to}
       GROUP BY 1),
    request_days AS (
      SELECT to_char(r.requested_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day,
             count(*)::int AS requests,
             percentile_cont(0.5) WITHIN GROUP (ORDER BY r.ms)::float8 AS "firstAudioP50Ms",
             percentile_cont(0.95) WITHIN GROUP (ORDER BY r.ms)::float8 AS "firstAudioP95Ms"
        FROM (SELECT q.requested_at,
                     CASE WHEN q.source = 'cache' THEN q.answer_ms::float8
                          ELSE greatest(0, extract(epoch FROM j.completed_at - q.requested_at) * 1000) END AS ms
                FROM episode_requests q LEFT JOIN jobs j ON j.id = q.job_id
               WHERE q.requested_at >= ${from} AND q.requested_at < ${to}
                 AND (q.source = 'cache' OR (j.status = 'completed' AND j.episode_id IS NOT NULL))) r
       GROUP BY 1)
    SELECT day,
           coalesce(j.jobs, 0) AS jobs, coalesce(j.completed, 0) AS completed, coalesce(j.failed, 0) AS failed,
           coalesce(j.cancelled, 0) AS cancelled,
           coalesce(j."pregeneratedCompleted", 0) AS "pregeneratedCompleted",
           coalesce(j."pregeneratedFailed", 0) AS "pregeneratedFailed",
           coalesce(j."costUsd", 0) AS "costUsd", j."jobP50Ms", j."jobP95Ms",
           coalesce(r.requests, 0) AS requests, r."firstAudioP50Ms", r."firstAudioP95Ms"
      FROM job_days j FULL JOIN request_days r USING (day)
     ORDER BY day`;
}

/**
 * The figures of the UTC days from `since` up to `until` (both days included), oldest first:
 * rolled-up days from job_daily_stats, the others from the rows. Days without jobs or requests
 * are left out.
 */
export async function readDailyFigures(
  db: PrismaClient,
  { since, until }: { since: Date; until: Date },
): Promise<DayFigures[]> {
  const from = new Date(`${dayOf(since)}T00:00:00Z`);
  const to = new Date(new Date(`${dayOf(until)}T00:00:00Z`).getTime() + DAY_MS);
  const [rolled, live] = await Promise.all([
    db.jobDailyStats.findMany({ where: { day: { gte: from, lt: to } } }),
    computeDailyFigures(db, { from, to }),
  ]);
  const byDay = new Map<string, DayFigures>(live.map((d) => [d.day, { ...d, rolledUp: false }]));
  for (const { day, rolledUpAt: _, ...figures } of rolled)
    byDay.set(dayOf(day), { day: dayOf(day), ...figures, rolledUp: true });
  return [...byDay.values()].sort((a, b) => a.day.localeCompare(b.day));
}

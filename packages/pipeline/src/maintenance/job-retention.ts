// Job rows do not grow forever: the daily cleanup deletes the jobs (with their stage rows and
// events), webhook deliveries and episode requests of the UTC days older than the retention,
// after rolling each such day's figures up into job_daily_stats.
import { Prisma } from '@podfleet/db';
import type { PipelineContext } from '../context';
import { computeDailyFigures } from '../operations/daily-figures';

export interface JobRetentionOptions {
  now: Date;
  /** Whole UTC days kept before today's; older ones are rolled up and deleted. */
  retentionDays: number;
  /** Rows deleted per statement (default 1000): no long lock, no huge transaction. */
  batchSize?: number;
}

export interface JobRetentionResult {
  /** Start of the first kept day (ISO): everything created before it went. */
  before: string;
  daysRolledUp: number;
  jobs: number;
  webhookDeliveries: number;
  episodeRequests: number;
}

const DAY_MS = 86_400_000;

/**
 * Rolls up, then deletes, what was created before the start of the UTC day `retentionDays`
 * before `now`'s. A job still queued or running stays, and so does one whose episode is still
 * stored (its Episode row needs it): both are already counted in their day's roll-up, which is
 * written once and never again. Deleting a job deletes its stage rows and events (cascade).
 */
export async function purgeOldJobs(
  ctx: PipelineContext,
  options: JobRetentionOptions,
): Promise<JobRetentionResult> {
  const batchSize = options.batchSize ?? 1000;
  const today = Math.floor(options.now.getTime() / DAY_MS) * DAY_MS;
  const before = new Date(today - options.retentionDays * DAY_MS);
  const { db } = ctx;

  // Each old day with rows and no roll-up yet, rolled up before any of its rows go.
  const days = await db.$queryRaw<Array<{ day: Date }>>`
    SELECT day FROM (
      SELECT (created_at AT TIME ZONE 'UTC')::date AS day FROM jobs WHERE created_at < ${before}
      UNION
      SELECT (requested_at AT TIME ZONE 'UTC')::date FROM episode_requests WHERE requested_at < ${before}
    ) old_days
     WHERE NOT EXISTS (SELECT 1 FROM job_daily_stats s WHERE s.day = old_days.day)
     ORDER BY day`;
  for (const { day } of days) {
    const [figures] = await computeDailyFigures(db, { from: day, to: new Date(day.getTime() + DAY_MS) });
    if (!figures) continue;
    const { day: _, ...row } = figures;
    await db.jobDailyStats.createMany({ data: [{ day, ...row }], skipDuplicates: true });
  }

  const deleteInBatches = async (statement: (limit: number) => Prisma.Sql) => {
    let total = 0;
    for (;;) {
      const deleted = await db.$executeRaw(statement(batchSize));
      total += deleted;
      if (deleted < batchSize) return total;
    }
  };
  const jobs = await deleteInBatches(
    (limit) => Prisma.sql`
      DELETE FROM jobs WHERE id IN (
        SELECT j.id FROM jobs j
         WHERE j.created_at < ${before} AND j.status IN ('completed', 'failed', 'cancelled')
           AND NOT EXISTS (SELECT 1 FROM episodes e WHERE e.job_id = j.id)
           -- A re-render job holds a version of its episode (and the edited script) while the episode lives.
           AND j.episode_id IS NULL
         LIMIT ${limit})`,
  );
  // Deliveries of deleted jobs lost their job (SET NULL); requests keep theirs only while it lives.
  const webhookDeliveries = await deleteInBatches(
    (limit) => Prisma.sql`
      DELETE FROM webhook_deliveries WHERE id IN (
        SELECT id FROM webhook_deliveries WHERE created_at < ${before} AND job_id IS NULL LIMIT ${limit})`,
  );
  const episodeRequests = await deleteInBatches(
    (limit) => Prisma.sql`
      DELETE FROM episode_requests WHERE id IN (
        SELECT id FROM episode_requests WHERE requested_at < ${before} LIMIT ${limit})`,
  );
  return {
    before: before.toISOString(),
    daysRolledUp: days.length,
    jobs,
    webhookDeliveries,
    episodeRequests,
  };
}

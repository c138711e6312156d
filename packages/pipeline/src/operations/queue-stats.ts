// Each queue as an operator reads it: how many jobs wait, run and failed (BullMQ), how many
// finished per minute over the last hour (BullMQ's per-minute metrics), and how long the oldest
// waiting job has waited.
import type { PrismaClient } from '@podfleet/db';
import { QUEUE_NAMES, type QueueName, type QueueSet, queueThroughput, STAGE_ORDER } from '@podfleet/queue';
import type { Job as BullJob } from 'bullmq';

export interface QueueStats {
  waiting: number;
  prioritized: number;
  active: number;
  delayed: number;
  /** Failed for good, still kept in Redis. */
  failed: number;
  /** Completed in the last hour, and that per minute. */
  completedLastHour: number;
  completedPerMinute: number;
  /** Failed for good in the last hour. */
  failedLastHour: number;
  /** How long the job waiting longest has waited (seconds); 0 when none waits. */
  oldestWaitingSec: number;
}

const STAGE_QUEUES: readonly string[] = STAGE_ORDER;

/**
 * How long the oldest job waiting for each stage has waited, from PostgreSQL: a queued or running
 * job with no stage running waits for its first unfinished stage, since it was enqueued or since
 * its last stage finished (BullMQ's own timestamp of a flow's later stage is the flow's creation).
 * Jobs waiting for one of their user's slots are not in the queue.
 */
export async function oldestWaitingByStage(db: PrismaClient): Promise<Partial<Record<QueueName, number>>> {
  const rows = await db.$queryRaw<Array<{ stage: QueueName; seconds: number }>>`
    SELECT next_stage::text AS stage, greatest(0, extract(epoch FROM now() - min(since)))::float8 AS seconds
      FROM (SELECT (array_agg(s.stage ORDER BY s.stage) FILTER (WHERE s.status NOT IN ('completed', 'skipped')))[1]
                     AS next_stage,
                   greatest(j.enqueued_at, max(s.finished_at) FILTER (WHERE s.status IN ('completed', 'skipped')))
                     AS since,
                   bool_or(s.status = 'running') AS busy
              FROM jobs j JOIN job_stages s ON s.job_id = j.id
             WHERE j.status IN ('queued', 'running') AND j.enqueued_at IS NOT NULL
             GROUP BY j.id, j.enqueued_at) waiting
     WHERE NOT busy AND next_stage IS NOT NULL
     GROUP BY next_stage`;
  return Object.fromEntries(rows.map((r) => [r.stage, r.seconds]));
}

/**
 * When a job in BullMQ's wait list started waiting: when it was added, or for a delayed one
 * (a schedule, a retry's backoff) when its delay ran out after it was added or last attempted.
 */
const waitingSince = (job: BullJob) =>
  (job.attemptsMade > 0 ? (job.processedOn ?? job.timestamp) : job.timestamp) + job.delay;

/** The oldest waiting job of a queue outside the stage flows, from BullMQ (seconds at `now`). */
async function oldestInWaitList(queue: QueueSet[QueueName], now: number): Promise<number> {
  const [oldest] = await queue.getJobs(['wait'], 0, 0, true);
  return oldest ? Math.max(0, (now - waitingSince(oldest)) / 1000) : 0;
}

/** Every queue's figures at `now` (ms since the epoch). */
export async function readQueueStats(
  db: PrismaClient,
  queues: QueueSet,
  now: number,
): Promise<Record<QueueName, QueueStats>> {
  const byStage = await oldestWaitingByStage(db);
  const stats = await Promise.all(
    QUEUE_NAMES.map(async (name): Promise<QueueStats> => {
      const queue = queues[name];
      const [counts, finished, oldest] = await Promise.all([
        queue.getJobCounts('waiting', 'prioritized', 'active', 'delayed', 'failed'),
        queueThroughput(queue, now, 60),
        STAGE_QUEUES.includes(name) ? (byStage[name] ?? 0) : oldestInWaitList(queue, now),
      ]);
      return {
        waiting: counts.waiting ?? 0,
        prioritized: counts.prioritized ?? 0,
        active: counts.active ?? 0,
        delayed: counts.delayed ?? 0,
        failed: counts.failed ?? 0,
        completedLastHour: finished.completed,
        completedPerMinute: Math.round((finished.completed / 60) * 100) / 100,
        failedLastHour: finished.failed,
        oldestWaitingSec: Math.round(oldest * 10) / 10,
      };
    }),
  );
  return Object.fromEntries(QUEUE_NAMES.map((name, i) => [name, stats[i]])) as Record<QueueName, QueueStats>;
}

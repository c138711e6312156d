// Redis is the transport, PostgreSQL the record. When Redis forgets a job (restarted empty,
// flushed, a crash between the database commit and the flow reaching Redis, a stage that failed
// while the database was down), the job would sit `queued`/`running` forever. The reconciler
// compares the two and puts such jobs back on the queue from their first unfinished stage.
import { appendEvent, failJob, firstUnfinishedStage, JOB_STAGES, type JobType } from '@podfleet/db';
import { parseFailedReason, stageJobId } from '@podfleet/queue';
import type { PipelineContext } from '../context';
import { publishState } from '../events';
import { onJobEnded } from '../job-end';
import { promoteWaitingJobs, reenqueueEpisodeJob } from '../lifecycle';
import { withRedisLock } from './redis-lock';

export interface ReconcileOptions {
  now?: Date;
  /**
   * A job whose row changed within this window is left alone: it may be between its database
   * commit and its flow reaching Redis, or a worker may still be busy with it although Redis lost
   * the stage job. Default 2 minutes (workers pass twice their maintenance interval).
   */
  graceMs?: number;
  /** Jobs read from the database at a time; every candidate is examined on each run. */
  batchSize?: number;
  /** How long a crashed reconciler blocks the next one. */
  lockTtlMs?: number;
}

export interface ReconcileResult {
  /** False when another process held the reconcile lock: this call changed nothing. */
  ran: boolean;
  /** Active, enqueued jobs examined. */
  checked: number;
  /** Jobs put back on the queue under a new run. */
  reenqueued: string[];
  /** Jobs Redis had failed for good while the database still said active: now failed there too. */
  failed: string[];
  /** Waiting jobs started because their users had free slots. */
  promoted: number;
}

export const DEFAULT_RECONCILE_GRACE_MS = 120_000;

/** BullMQ states in which a stage job will still run (or is running) without help. */
const PENDING_STATES = new Set(['active', 'waiting', 'waiting-children', 'delayed', 'prioritized', 'paused']);

/** BullMQ's reason for a job whose workers kept dying under it (maxStalledCount exceeded). */
const STALLED_TOO_OFTEN = /stalled more than allowable limit/;

type Verdict =
  | { kind: 'alive' }
  | { kind: 'reenqueue'; reason: 'lost' | 'incomplete' | 'unpublished' | 'db-unavailable' }
  | { kind: 'fail'; code: string; message: string }
  | { kind: 'nothing-to-run' };

export const reconcileLockKey = (prefix: string) => `${prefix}:locks:maintenance:reconcile`;

/**
 * What Redis knows about run `run` of a job, against what the database says:
 * - any stage job still pending or active: alive (a dead worker's job is the stalled checker's);
 * - none of the stage jobs exists, or only completed ones: lost, re-enqueue from the first
 *   unfinished stage (completed stages are skipped by their recorded artifacts; with all of them
 *   recorded, from upload, whose resume publishes the episode);
 * - a stage failed for good: if for DB_UNAVAILABLE, the job is not at fault, re-enqueue; else the
 *   failure never reached the database (it was down, or the worker died right after), so record
 *   it there.
 */
async function judge(ctx: PipelineContext, job: Candidate): Promise<Verdict> {
  const { id: jobId, run, partial } = job;
  const stages = JOB_STAGES[job.type];
  const states = await Promise.all(
    stages.map((stage) => ctx.queues[stage].getJobState(stageJobId(jobId, run, stage))),
  );
  if (states.some((state) => PENDING_STATES.has(state))) return { kind: 'alive' };

  const failedAt = stages.find((_, i) => states[i] === 'failed');
  if (failedAt) {
    const bullJob = await ctx.queues[failedAt].getJob(stageJobId(jobId, run, failedAt));
    const reason = bullJob?.failedReason ?? '';
    const { code, message } = parseFailedReason(reason);
    if (code === 'DB_UNAVAILABLE') return { kind: 'reenqueue', reason: 'db-unavailable' };
    if (STALLED_TOO_OFTEN.test(reason)) {
      return {
        kind: 'fail',
        code: 'STALLED',
        message: `${failedAt} stage: its worker died or blocked too often`,
      };
    }
    return { kind: 'fail', code, message };
  }

  const from = await firstUnfinishedStage(ctx.db, jobId);
  // Every stage recorded but the job still active: the process died between recording its last
  // stage (upload, clips) and finishing the job. A run from that stage resumes it, and the
  // stage's finalize step publishes the episode (or completes the clips job).
  if (from === null && !partial) return { kind: 'reenqueue', reason: 'unpublished' };
  // A partial (script-only) job past its script has nothing a flow could run.
  if (from === null || (partial && stages.indexOf(from) > stages.indexOf('script'))) {
    return { kind: 'nothing-to-run' };
  }
  return { kind: 'reenqueue', reason: states.every((s) => s === 'unknown') ? 'lost' : 'incomplete' };
}

/**
 * Finds jobs PostgreSQL says are queued/running (and were handed to the queue) that Redis no
 * longer carries, and re-enqueues each under a new run from its first unfinished stage; then
 * starts waiting jobs of users with free slots. Runs once across the fleet at a time (Redis lock).
 */
export async function reconcile(
  ctx: PipelineContext,
  options: ReconcileOptions = {},
): Promise<ReconcileResult> {
  const now = options.now ?? new Date();
  const graceMs = options.graceMs ?? DEFAULT_RECONCILE_GRACE_MS;
  const outcome = await withRedisLock(
    ctx.redis,
    reconcileLockKey(ctx.prefix),
    options.lockTtlMs ?? 5 * 60_000,
    () => reconcileNow(ctx, new Date(now.getTime() - graceMs), options.batchSize ?? 200),
  );
  if (!outcome.acquired) return { ran: false, checked: 0, reenqueued: [], failed: [], promoted: 0 };
  return outcome.value;
}

type Candidate = { id: string; run: number; partial: boolean; type: JobType };

async function reconcileNow(
  ctx: PipelineContext,
  updatedBefore: Date,
  batchSize: number,
): Promise<ReconcileResult> {
  const result: ReconcileResult = { ran: true, checked: 0, reenqueued: [], failed: [], promoted: 0 };
  // Keyset pagination by id: a backlog of any size is examined in full, in bounded batches.
  for (let after = ''; ; ) {
    const batch: Candidate[] = await ctx.db.job.findMany({
      where: {
        id: { gt: after },
        status: { in: ['queued', 'running'] },
        enqueuedAt: { not: null },
        run: { gt: 0 },
        updatedAt: { lt: updatedBefore },
      },
      orderBy: { id: 'asc' },
      take: batchSize,
      select: { id: true, run: true, partial: true, type: true },
    });
    for (const job of batch) await reconcileJob(ctx, job, result);
    const last = batch.at(-1);
    if (!last || batch.length < batchSize) break;
    after = last.id;
  }
  const waitingUsers = await ctx.db.job.findMany({
    where: { status: 'queued', enqueuedAt: null },
    distinct: ['userId'],
    select: { userId: true },
  });
  for (const { userId } of waitingUsers) {
    result.promoted += (await promoteWaitingJobs(ctx, userId)).length;
  }
  if (result.reenqueued.length + result.failed.length + result.promoted > 0) {
    ctx.logger.info(
      {
        checked: result.checked,
        reenqueued: result.reenqueued.length,
        failed: result.failed.length,
        promoted: result.promoted,
      },
      'reconciled the database with Redis',
    );
  }
  return result;
}

async function reconcileJob(ctx: PipelineContext, job: Candidate, result: ReconcileResult): Promise<void> {
  result.checked++;
  const verdict = await judge(ctx, job);
  const log = ctx.logger.child({ jobId: job.id, run: job.run });
  if (verdict.kind === 'reenqueue') {
    await appendEvent(ctx.db, job.id, 'reconciled', { run: job.run, reason: verdict.reason });
    const started = await reenqueueEpisodeJob(ctx, job.id).catch((err: unknown) => {
      log.error({ err }, 'could not re-enqueue a job Redis lost');
      return null;
    });
    if (started) {
      log.warn({ reason: verdict.reason, newRun: started.run }, 'job unknown to Redis: re-enqueued');
      result.reenqueued.push(job.id);
    }
  } else if (verdict.kind === 'fail') {
    const failed = await failJob(ctx.db, job.id, verdict.code, verdict.message);
    if (failed) {
      log.warn({ code: verdict.code }, 'job failed in Redis but not in the database: recorded');
      await publishState(ctx, failed, 'failed');
      await onJobEnded(ctx, failed);
      result.failed.push(job.id);
    }
  } else if (verdict.kind === 'nothing-to-run') {
    log.warn('partial job is active but its script is done; left for an operator');
  }
}

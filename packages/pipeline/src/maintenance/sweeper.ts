// A stage can hang in ways no queue notices: a provider call that never answers, a worker that
// keeps renewing its lock while stuck. The sweeper gives every stage a deadline and fails the
// job with TIMEOUT once it passes, so the client gets an answer and can retry.
import { failJob, markStageFailed, type Stage } from '@podfleet/db';
import { removeEpisodeFlow } from '@podfleet/queue';
import type { PipelineContext } from '../context';
import { publishState } from '../events';
import { onJobEnded } from '../job-end';
import { withRedisLock } from './redis-lock';

/** How long one attempt of a stage may run. Generous: a sweep is for hangs, not slowness. */
export const DEFAULT_STAGE_DEADLINES_MS: Readonly<Record<Stage, number>> = {
  scrape: 5 * 60_000,
  script: 10 * 60_000,
  audio: 30 * 60_000,
  upload: 5 * 60_000,
  // Rendering up to ten clips of a minute each.
  clips: 30 * 60_000,
};

export interface SweepOptions {
  now?: Date;
  /** Per-stage deadlines, counted from the running attempt's start; missing ones use the defaults. */
  stageDeadlinesMs?: Partial<Record<Stage, number>>;
  lockTtlMs?: number;
}

export interface SweepResult {
  /** False when another process held the sweep lock: this call changed nothing. */
  ran: boolean;
  /** Running stages examined. */
  checked: number;
  timedOut: Array<{ jobId: string; stage: Stage; runningMs: number }>;
}

export const sweepLockKey = (prefix: string) => `${prefix}:locks:maintenance:sweep`;

/**
 * Fails with TIMEOUT every running job whose current stage attempt started longer ago than its
 * deadline: the job row and stage row are marked failed, the run's stage jobs that have not
 * started are removed from Redis (parents first, so none is left in waiting-children), and the
 * client is told. A worker still busy with the stage stops at its next progress check (the job is
 * no longer active). retryEpisodeJob re-queues such a job from its first unfinished stage.
 */
export async function sweepStuckJobs(ctx: PipelineContext, options: SweepOptions = {}): Promise<SweepResult> {
  const now = options.now ?? new Date();
  const deadlines = { ...DEFAULT_STAGE_DEADLINES_MS, ...options.stageDeadlinesMs };
  const outcome = await withRedisLock(
    ctx.redis,
    sweepLockKey(ctx.prefix),
    options.lockTtlMs ?? 5 * 60_000,
    () => sweepNow(ctx, now, deadlines),
  );
  return outcome.acquired ? outcome.value : { ran: false, checked: 0, timedOut: [] };
}

async function sweepNow(
  ctx: PipelineContext,
  now: Date,
  deadlines: Record<Stage, number>,
): Promise<SweepResult> {
  const running = await ctx.db.jobStage.findMany({
    where: { status: 'running', startedAt: { not: null }, job: { status: 'running' } },
    select: { jobId: true, stage: true, startedAt: true, job: { select: { phase: true } } },
  });
  const result: SweepResult = { ran: true, checked: running.length, timedOut: [] };
  for (const row of running) {
    const runningMs = now.getTime() - (row.startedAt as Date).getTime();
    // Only the stage the job is in: an older 'running' row belongs to an attempt that was superseded.
    if (row.job.phase !== row.stage || runningMs <= deadlines[row.stage]) continue;
    const message = `the ${row.stage} stage ran for ${Math.round(runningMs / 1000)} s, past its ${Math.round(deadlines[row.stage] / 1000)} s deadline`;
    const failed = await failJob(ctx.db, row.jobId, 'TIMEOUT', message);
    if (!failed) continue; // finished meanwhile
    await markStageFailed(ctx.db, row.jobId, row.stage, { code: 'TIMEOUT', message });
    await removeEpisodeFlow(ctx.queues, row.jobId, failed.run).catch((err: unknown) =>
      ctx.logger.warn({ err, jobId: row.jobId }, 'could not remove the timed-out job’s stages from Redis'),
    );
    ctx.logger.warn(
      { jobId: row.jobId, stage: row.stage, runningMs },
      'stage past its deadline: job failed with TIMEOUT',
    );
    await publishState(ctx, failed, 'failed');
    await onJobEnded(ctx, failed);
    result.timedOut.push({ jobId: row.jobId, stage: row.stage, runningMs });
  }
  return result;
}

// Runs one stage of one job: the bookkeeping every stage shares (JobStage rows, progress,
// events, resume from artifacts, cancellation, error classification) around the stage's work.
import {
  completeJob,
  failJob,
  type Job,
  jobStatus,
  markStageCompleted,
  markStageFailed,
  type RecordedArtifacts,
  type Stage,
  startStage,
  updateProgress,
} from '@podfleet/db';
import {
  type ProcessorContext,
  type QueueProcessor,
  type StagePayload,
  stageProgress,
  toBullMQError,
  toJobError,
} from '@podfleet/queue';
import { setActiveSpanAttributes, stageRunDuration } from '@podfleet/telemetry';
import type { Job as BullJob } from 'bullmq';
import { artifactKeyFor, type StageArtifact } from './artifacts';
import type { PipelineContext } from './context';
import { publishState } from './events';
import { onJobEnded } from './job-end';
import { promoteWaitingJobs } from './lifecycle';
import { asStageFailure } from './maintenance/db-errors';
import { progressWriter } from './progress-writer';

/** Thrown inside a stage when the job was cancelled meanwhile: stop quietly, it is not a failure. */
export class JobCancelledError extends Error {
  constructor(jobId: string) {
    super(`job ${jobId} is no longer active`);
    this.name = 'JobCancelledError';
  }
}

export interface StageOutput {
  artifact: StageArtifact;
  costUsd?: number;
  wordCount?: number;
  providers?: Record<string, string>;
}

export interface StageScope {
  job: Job;
  payload: StagePayload;
  signal: AbortSignal;
  logger: ProcessorContext['logger'];
  /**
   * Reports progress within the stage (fraction 0..1), written in the background at most every
   * 250 ms, the latest report replacing one not yet written (see progress-writer). Throws
   * JobCancelledError once a write found the job cancelled.
   */
  progress(fraction: number, currentStep?: string): Promise<void>;
  /** True once the job left queued/running (cancelled); cheap enough to call between steps. */
  isCancelled(): Promise<boolean>;
  /** Storage key of a job artifact, e.g. `jobs/{jobId}/script.json`. */
  artifactKey(name: string): string;
  /** What the job's earlier stages recorded (key and checksum), when this stage started. */
  artifacts: RecordedArtifacts;
}

export type StageWork = ((scope: StageScope) => Promise<StageOutput>) & {
  /**
   * Runs after the stage's row is recorded completed, and again when a later run finds the
   * stage already done: it must be idempotent. The upload stage publishes the episode here, so
   * a crash between recording the stage and completing the job is finished by the next run. It
   * gets the job as the stage found it when it started.
   */
  finalize?: (job: Job) => Promise<void>;
  /** Who does the work (`anthropic`, `espeak`, `s3`…), recorded with each failed attempt. */
  provider?: string;
};

export type StageOutcome = 'completed' | 'resumed' | 'inactive' | 'cancelled';

/**
 * The queue processor of `stage`: each job of the stage's queue runs one attempt of `work` (the
 * one adapter between a stage's work and the worker runtime: apps, tests, benches). A transient
 * database error anywhere in it (PostgreSQL restarting, a dropped connection) surfaces as a
 * retryable DB_UNAVAILABLE, so BullMQ retries with backoff. Its duration is observed by outcome,
 * which also goes on the job's span.
 */
export function stageProcessor<S extends Stage>(
  ctx: PipelineContext,
  stage: S,
  work: StageWork,
): QueueProcessor<S> {
  return async (payload, bullJob, processor) => {
    const timer = stageRunDuration.startTimer({ stage });
    let outcome: StageOutcome | 'failed' = 'failed';
    try {
      outcome = await runStageOnce(ctx, stage, payload, bullJob, processor, work);
      return outcome;
    } catch (err) {
      throw asStageFailure(err);
    } finally {
      timer({ outcome });
      setActiveSpanAttributes({ 'podfleet.stage': stage, 'podfleet.stage.outcome': outcome });
    }
  };
}

async function runStageOnce(
  ctx: PipelineContext,
  stage: Stage,
  payload: StagePayload,
  bullJob: BullJob,
  processor: ProcessorContext,
  work: StageWork,
): Promise<StageOutcome> {
  const { jobId } = payload;
  const logger = processor.logger;
  // One statement: after a re-enqueue (Redis lost the job, a retry) an older run's stage may
  // still be around, and only the job's current run does work, so two runs never race on the same
  // artifacts; a stage whose artifact is recorded and still stored with that checksum is skipped
  // (how a retry or a re-enqueue resumes at the first unfinished stage); a cancelled job is left.
  let start = await startStage(ctx.db, { jobId, run: payload.run, stage });
  if (start.outcome === 'recorded') {
    if ((await ctx.storage.head(start.artifact.key))?.checksum === start.artifact.checksum) {
      logger.info({ stage }, 'artifact already present; stage skipped');
      const snapshot = await updateProgress(ctx.db, jobId, {
        phase: stage,
        progress: stageProgress(stage, 1),
      });
      if (snapshot) await publishState(ctx, { ...start.job, ...snapshot });
      await completeIfPartialEnd(ctx, stage, payload);
      await work.finalize?.(start.job);
      return 'resumed';
    }
    start = await startStage(ctx.db, { jobId, run: payload.run, stage, restart: true });
  }
  if (start.outcome === 'old_run') {
    logger.info({ stage, run: payload.run, currentRun: start.currentRun }, 'stage of an old run; not run');
    return 'inactive';
  }
  if (start.outcome !== 'started') {
    logger.info({ stage }, 'job is no longer active; stage not run');
    return 'inactive';
  }
  const { job } = start;
  // Best effort (see publishState), so not waited for: later events follow it on the connection.
  void publishState(ctx, job);

  const isCancelled = async () => {
    const status = await jobStatus(ctx.db, jobId);
    return status !== 'queued' && status !== 'running';
  };
  const progressWrites = progressWriter(
    async ({ progress, currentStep }) => {
      const snapshot = await updateProgress(ctx.db, jobId, {
        phase: stage,
        progress,
        ...(currentStep === undefined ? {} : { currentStep }),
      });
      if (!snapshot) return false;
      await publishState(ctx, { ...job, ...snapshot, errorCode: null, errorMessage: null, episodeId: null });
      return true;
    },
    () => new JobCancelledError(jobId),
  );
  const scope: StageScope = {
    job,
    payload,
    signal: processor.signal,
    logger,
    isCancelled,
    artifactKey: (name) => artifactKeyFor(jobId, name),
    artifacts: start.artifacts,
    async progress(fraction, currentStep) {
      progressWrites.report({
        progress: stageProgress(stage, fraction),
        ...(currentStep === undefined ? {} : { currentStep }),
      });
    },
  };

  try {
    const output = await work(scope);
    // Completion moves progress to the band's end: a report still queued is dropped, the write
    // in flight is waited for (it must not land after the next stage's start).
    await progressWrites.settle();
    await markStageCompleted(ctx.db, jobId, stage, {
      artifactKey: output.artifact.key,
      checksum: output.artifact.checksum,
      ...(output.costUsd === undefined ? {} : { costUsd: output.costUsd }),
      ...(output.wordCount === undefined ? {} : { wordCount: output.wordCount }),
      ...(output.providers === undefined ? {} : { providers: output.providers }),
    });
    await completeIfPartialEnd(ctx, stage, payload);
    await work.finalize?.(job);
    return 'completed';
  } catch (caught) {
    await progressWrites.settle().catch(() => {}); // its outcome changes nothing now
    const err = asStageFailure(caught);
    if (err instanceof JobCancelledError || (await isCancelled())) {
      logger.info({ stage }, 'job cancelled during the stage; stopped');
      return 'cancelled';
    }
    if (processor.signal.aborted) throw err; // handed back at shutdown: not a failed attempt
    const error = toJobError(err);
    await markStageFailed(ctx.db, jobId, stage, {
      code: error.code,
      message: error.message,
      ...(work.provider ? { provider: work.provider } : {}),
    });
    // A database outage is never the job's verdict: past its attempts the stage fails in Redis
    // only, and the reconciler re-enqueues the job once PostgreSQL answers again.
    const final =
      error.code !== 'DB_UNAVAILABLE' &&
      (!error.retryable || bullJob.attemptsMade + 1 >= (bullJob.opts.attempts ?? 1));
    logger.warn({ stage, code: error.code, retryable: error.retryable, final, err }, 'stage failed');
    if (final) {
      const failed = await failJob(ctx.db, jobId, error.code, error.message);
      if (failed) {
        await publishState(ctx, failed, 'failed');
        await onJobEnded(ctx, failed);
      }
    }
    throw toBullMQError(err);
  }
}

/**
 * Partial pre-generation ends with the script: the job completes there, without an episode
 * (episodeId null), and a later request for the day reuses its sources.json/script.json
 * (submitEpisodeJob's `reuseArtifactsFrom`). No webhook: nothing was published.
 */
async function completeIfPartialEnd(
  ctx: PipelineContext,
  stage: Stage,
  payload: StagePayload,
): Promise<void> {
  if (stage !== 'script' || !payload.partial) return;
  const completed = await completeJob(ctx.db, payload.jobId);
  if (!completed) return;
  await publishState(ctx, completed, 'completed');
  await promoteWaitingJobs(ctx, completed.userId).catch((err: unknown) =>
    ctx.logger.error({ err, userId: completed.userId }, 'could not promote waiting jobs'),
  );
}

// The job lifecycle the API, the workers and the reconciler share: a job exists in PostgreSQL
// first, then as a BullMQ flow. Per-user fairness lives here: a user's jobs beyond
// `userMaxActiveJobs` stay `queued` in the database (enqueued_at NULL) and are enqueued as
// earlier ones finish, so one user cannot fill the fleet and nobody's job fails for it.
import {
  appendEvent,
  beginRun,
  cancelJob,
  claimWaitingJobs,
  failJob,
  findIdempotentJob,
  firstUnfinishedStage,
  isUniqueViolation,
  JOB_STAGES,
  type Job,
  type Prisma,
  retryJob,
  type Stage,
  type SubmitJobInput,
  submitJob,
  type User,
} from '@podfleet/db';
import {
  type EpisodePriority,
  enqueueEpisodeFlow,
  RedisUnavailableError,
  removeEpisodeFlow,
} from '@podfleet/queue';
import { currentTraceparent, inNewTrace, SpanKind, withSpan } from '@podfleet/telemetry';
import type { PipelineContext } from './context';
import { publishState } from './events';
import { episodeCacheKey, localPeriod } from './local-date';
import type { EpisodeRequest } from './request';
import { copyStageArtifacts } from './reuse-artifacts';
import { firstStageOf, UPLOAD_SKIPPED_STAGES, type UploadJobRequest } from './upload-request';

export interface SubmitInput {
  userId: string;
  request: EpisodeRequest;
  idempotencyKey?: string;
  /** Nightly pre-generation (runs at low priority). */
  pregenerated?: boolean;
  /** Script-only pre-generation: the flow stops after the script stage. */
  partial?: boolean;
  /**
   * A completed job (partial pre-generation of the same day) whose scrape/script artifacts this
   * job takes over, so its flow runs only audio and upload (see copyStageArtifacts).
   */
  reuseArtifactsFrom?: string;
  /** The stages taken over from `reuseArtifactsFrom`: default scrape and script (a re-render: scrape). */
  reuseStages?: readonly Stage[];
  /** The user as the caller already read it (saves a read); read by id otherwise. */
  user?: SubmitUser;
  now?: Date;
}

/** What a submit needs of its user: timezone (cache period), saved sources and style, default webhook. */
export type SubmitUser = Pick<User, 'id' | 'timezone' | 'sources' | 'style' | 'webhookUrl'>;

export interface SubmitResult {
  job: Job;
  /** True when an earlier job answers this request (same Idempotency-Key, or same daily/weekly in flight). */
  deduplicated: boolean;
}

export class SubmitError extends Error {
  constructor(
    readonly code: 'NO_SOURCES' | 'USER_NOT_FOUND',
    message: string,
  ) {
    super(message);
    this.name = 'SubmitError';
  }
}

/**
 * submitJob, except that when two requests with one Idempotency-Key race, the first one's job
 * answers both (`deduplicated`) instead of the loser's unique violation.
 */
export async function submitJobOnce(ctx: PipelineContext, input: SubmitJobInput): Promise<SubmitResult> {
  try {
    return await submitJob(ctx.db, input);
  } catch (err) {
    const { userId, idempotencyKey } = input;
    if (idempotencyKey && isUniqueViolation(err)) {
      const first = await ctx.db.job.findUnique({
        where: { userId_idempotencyKey: { userId, idempotencyKey } },
      });
      if (first) return { job: first, deduplicated: true };
    }
    throw err;
  }
}

/** Creates the Job row, then enqueues its flow (or leaves it waiting its turn). */
export async function submitEpisodeJob(ctx: PipelineContext, input: SubmitInput): Promise<SubmitResult> {
  const now = input.now ?? new Date();
  const { userId, request } = input;
  if (input.idempotencyKey) {
    const existing = await findIdempotentJob(ctx.db, userId, input.idempotencyKey, now);
    if (existing) return { job: existing, deduplicated: true };
  }
  const user = input.user ?? (await ctx.db.user.findUnique({ where: { id: userId } }));
  if (!user) throw new SubmitError('USER_NOT_FOUND', `user ${userId} not found`);

  let cacheKey: string | null = null;
  if (request.type !== 'custom') {
    cacheKey = episodeCacheKey(userId, request.type, localPeriod(request.type, now, user.timezone));
  }
  const sources = request.sources ?? (user.sources as Prisma.JsonArray);
  if (!Array.isArray(sources) || sources.length === 0) {
    throw new SubmitError('NO_SOURCES', 'this request names no sources and the user has no saved sources');
  }
  const style = { ...((user.style as Prisma.JsonObject | null) ?? {}), ...(request.style ?? {}) };
  const stored = { ...request, sources, style } as unknown as Prisma.InputJsonValue;

  // One statement per submit, serialised per user (the slot lock, see submitJob): the in-flight
  // check, the slot count and the insert cannot interleave with the same user's other submits.
  const created = await submitJobOnce(ctx, {
    userId,
    type: request.type,
    request: stored,
    priority: input.pregenerated ? 'low' : request.priority,
    idempotencyKey: input.idempotencyKey ?? null,
    cacheKey,
    pregenerated: input.pregenerated ?? false,
    partial: input.partial ?? false,
    webhookUrl: request.webhookUrl ?? user.webhookUrl ?? null,
    // A partial pre-generation in flight ends without an episode: it cannot answer a request.
    dedupeInFlight: cacheKey !== null && !request.forceRegenerate,
    maxActiveJobs: ctx.userMaxActiveJobs,
  });
  if (created.deduplicated) return created;
  const { job } = created;
  if (input.reuseArtifactsFrom) {
    await copyStageArtifacts(ctx, input.reuseArtifactsFrom, job.id, input.reuseStages);
  }
  if (job.enqueuedAt === null) {
    ctx.logger.info({ jobId: job.id, userId }, 'job waits for a free slot of its user');
    return created;
  }
  // A new job starts at scrape unless it reuses finished stages of another job. A request's job
  // continues the request's trace; each pre-generated one gets its own (linked to the run's).
  const started = await enqueueRun(ctx, job, job.run, {
    ...(input.reuseArtifactsFrom ? {} : { fromStage: 'scrape' as const }),
    newTrace: input.pregenerated ?? false,
  });
  return { job: started, deduplicated: false };
}

export interface SubmitUploadInput {
  /** Chosen before the upload was received (newJobId): its files are staged under `jobs/{jobId}/upload/`. */
  jobId: string;
  userId: string;
  request: UploadJobRequest;
  idempotencyKey?: string;
}

/**
 * Creates the job of a received upload (type `upload`, its scrape and script stages recorded
 * `skipped`), then enqueues its flow from the audio stage (or leaves it waiting its turn, like
 * any job beyond the user's active-job limit). `deduplicated`: an earlier job with the same
 * Idempotency-Key answers, and this upload's staged objects are the caller's to remove.
 */
export async function submitUploadJob(ctx: PipelineContext, input: SubmitUploadInput): Promise<SubmitResult> {
  const { userId } = input;
  const user = await ctx.db.user.findUnique({ where: { id: userId }, select: { webhookUrl: true } });
  if (!user) throw new SubmitError('USER_NOT_FOUND', `user ${userId} not found`);
  const created = await submitJobOnce(ctx, {
    id: input.jobId,
    userId,
    type: 'upload',
    request: input.request as unknown as Prisma.InputJsonValue,
    priority: 'normal',
    idempotencyKey: input.idempotencyKey ?? null,
    cacheKey: null,
    pregenerated: false,
    partial: false,
    webhookUrl: user.webhookUrl,
    dedupeInFlight: false,
    maxActiveJobs: ctx.userMaxActiveJobs,
  });
  if (created.deduplicated) return created;
  const { job } = created;
  await ctx.db.jobStage.updateMany({
    where: { jobId: job.id, stage: { in: [...UPLOAD_SKIPPED_STAGES] } },
    data: { status: 'skipped' },
  });
  await appendEvent(ctx.db, job.id, 'stages_skipped', {
    stages: [...UPLOAD_SKIPPED_STAGES],
    reason: 'an upload brings its own audio',
  });
  if (job.enqueuedAt === null) {
    ctx.logger.info({ jobId: job.id, userId }, 'job waits for a free slot of its user');
    return created;
  }
  return { job: await enqueueRun(ctx, job, job.run, { fromStage: 'audio' }), deduplicated: false };
}

interface EnqueueOptions {
  /** Default: the first unfinished stage. */
  fromStage?: Stage;
  /**
   * Start a trace of its own, linked to the current one, instead of continuing it: when the job
   * is not what the current trace is about (promoted as another job ends, re-enqueued by the
   * reconciler, one of a pre-generation run's many).
   */
  newTrace?: boolean;
}

/**
 * Adds the BullMQ flow for `run`, in a producer span whose trace context every stage carries. A
 * failure fails the job (never stuck `queued` with nothing in Redis). Returns the job as it now stands.
 */
export async function enqueueRun(
  ctx: PipelineContext,
  job: Job,
  run: number,
  { fromStage, newTrace = false }: EnqueueOptions = {},
): Promise<Job> {
  const stages = JOB_STAGES[job.type];
  // Every stage recorded: the last one again, whose resume finishes the job (see StageWork.finalize).
  const unfinished = fromStage ?? (await firstUnfinishedStage(ctx.db, job.id)) ?? (stages.at(-1) as Stage);
  // An upload job claimed before its skipped stages were recorded still starts at audio.
  const earliest = firstStageOf(job.type);
  const from = stages.indexOf(unfinished) < stages.indexOf(earliest) ? earliest : unfinished;
  const span = {
    kind: SpanKind.PRODUCER,
    attributes: { 'podfleet.job.id': job.id, 'podfleet.job.run': run, 'podfleet.stage.first': from },
  };
  const enqueue = async () => {
    const traceparent = currentTraceparent();
    try {
      await enqueueEpisodeFlow(ctx.flowProducer, {
        jobId: job.id,
        run,
        userId: job.userId,
        priority: job.priority as EpisodePriority,
        stages,
        fromStage: from,
        ...(job.partial ? { toStage: 'script' as const } : {}),
        prefix: ctx.prefix,
        ...(traceparent ? { traceparent } : {}),
      });
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const failed = await failJob(ctx.db, job.id, 'ENQUEUE_FAILED', `could not enqueue: ${message}`);
      if (failed) await publishState(ctx, failed, 'failed');
      throw err instanceof RedisUnavailableError ? err : new RedisUnavailableError(message);
    }
    return { ...job, run };
  };
  const name = job.type === 'clips' ? 'enqueue clips' : 'enqueue episode';
  return newTrace ? inNewTrace(name, span, enqueue) : withSpan(name, span, enqueue);
}

/**
 * Enqueues the user's oldest waiting jobs into the slots that are free. Called when one of the
 * user's jobs ends; safe to call any time (the reconciler does too).
 */
export async function promoteWaitingJobs(ctx: PipelineContext, userId: string): Promise<Job[]> {
  return startClaimedJobs(ctx, await claimWaitingJobs(ctx.db, userId, ctx.userMaxActiveJobs));
}

/** Enqueues jobs claimed from their user's waiting ones (claimWaitingJobs, publishEpisode). */
export async function startClaimedJobs(ctx: PipelineContext, claimed: Job[]): Promise<Job[]> {
  const started: Job[] = [];
  for (const job of claimed) {
    started.push(await enqueueRun(ctx, job, job.run, { newTrace: true }).catch(() => job));
  }
  return started;
}

/**
 * Cancels a queued or running job: waiting stages leave Redis, a running stage stops at its next
 * check. Returns null when the job had already finished (HTTP 409).
 */
export async function cancelEpisodeJob(ctx: PipelineContext, jobId: string): Promise<Job | null> {
  const job = await cancelJob(ctx.db, jobId);
  if (!job) return null;
  if (job.run > 0) {
    await removeEpisodeFlow(ctx.queues, job.id, job.run).catch((err: unknown) =>
      ctx.logger.warn({ err, jobId }, 'could not remove waiting stages; they will stop when they start'),
    );
  }
  await publishState(ctx, job, 'cancelled');
  await promoteWaitingJobs(ctx, job.userId);
  return job;
}

/** Re-queues a failed or cancelled job from its first unfinished stage; null unless it was failed/cancelled. */
export async function retryEpisodeJob(ctx: PipelineContext, jobId: string): Promise<Job | null> {
  const job = await retryJob(ctx.db, jobId);
  if (!job) return null;
  // The retried job waits like a new one (enqueued_at NULL) and takes a free slot of its user by
  // the same rule (claimWaitingJobs); its enqueue continues the retry request's trace.
  const claimed = await claimWaitingJobs(ctx.db, job.userId, ctx.userMaxActiveJobs);
  const retried = claimed.find((j) => j.id === jobId);
  await startClaimedJobs(
    ctx,
    claimed.filter((j) => j !== retried),
  );
  let started: Job;
  if (retried) {
    started = await enqueueRun(ctx, retried, retried.run);
  } else {
    ctx.logger.info({ jobId, userId: job.userId }, 'job waits for a free slot of its user');
    started = job;
  }
  await publishState(ctx, started);
  return started;
}

/**
 * Puts an active job back into Redis under a new run (e.g. after Redis lost it). Its completed
 * stages are skipped by the flow; the rest resume from their artifacts.
 */
export async function reenqueueEpisodeJob(ctx: PipelineContext, jobId: string): Promise<Job | null> {
  const job = await ctx.db.job.findUnique({ where: { id: jobId } });
  if (!job || (job.status !== 'queued' && job.status !== 'running') || job.enqueuedAt === null) return null;
  const run = await beginRun(ctx.db, jobId);
  return enqueueRun(ctx, job, run, { newTrace: true });
}

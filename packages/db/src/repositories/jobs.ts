// Job state transitions. Each is one statement or one transaction, uses the database clock for
// every timestamp (stage durations and stats never mix worker clocks), and refuses to touch a job
// that is no longer active, so a cancelled job stays cancelled whatever a late worker reports.

import { v7 as uuidv7 } from 'uuid';
import {
  type Episode,
  type Job,
  type JobEvent,
  type JobPriority,
  type JobStage,
  type JobStatus,
  type JobType,
  Prisma,
  type PrismaClient,
  type Stage,
} from '../generated/prisma/client';
import { type EpisodeInput, insertEpisodeOnce } from './episodes';
import { type HotStatement, JOB_COLUMNS, runHot } from './hot-sql';

/** A client or an interactive-transaction client: for functions that are a single statement. */
export type DbClient = PrismaClient | Prisma.TransactionClient;

/** The pipeline stages in the order they run. */
export const STAGES = ['scrape', 'script', 'audio', 'upload'] as const satisfies readonly Stage[];

/** The slice of 0–100 each stage's progress occupies. */
export const STAGE_PROGRESS: Readonly<Record<Stage, { start: number; end: number }>> = {
  scrape: { start: 0, end: 20 },
  script: { start: 20, end: 40 },
  audio: { start: 40, end: 80 },
  upload: { start: 80, end: 100 },
};

/** Milliseconds since the stage row's started_at, by the database clock. */
const durationSql = Prisma.sql`(EXTRACT(EPOCH FROM (now() - started_at)) * 1000)::int`;

/** Statuses in which a job may still change. */
export const ACTIVE_JOB_STATUSES = ['queued', 'running'] as const satisfies readonly JobStatus[];

export interface CreateJobInput {
  userId: string;
  type: JobType;
  /** The validated request as received. */
  request: Prisma.InputJsonValue;
  priority?: JobPriority;
  idempotencyKey?: string | null;
  cacheKey?: string | null;
  pregenerated?: boolean;
  partial?: boolean;
  maxAttempts?: number;
  webhookUrl?: string | null;
  /** Set (with run 1) when the job goes straight into Redis; null while it waits for a user slot. */
  enqueuedAt?: Date | null;
  run?: number;
}

/**
 * A queued job with its four pending stage rows and a `created` event, in one transaction.
 * A second job with the same (userId, idempotencyKey) fails with Prisma's P2002 (see
 * isUniqueViolation) and leaves nothing behind.
 */
export function createJobWithStages(db: DbClient, input: CreateJobInput): Promise<Job> {
  return db.job.create({
    data: {
      ...input,
      stages: { createMany: { data: STAGES.map((stage) => ({ stage })) } },
      events: {
        create: {
          type: 'created',
          data: {
            type: input.type,
            priority: input.priority ?? 'normal',
            pregenerated: input.pregenerated ?? false,
          },
        },
      },
    },
  });
}

export interface SubmitJobInput {
  userId: string;
  type: JobType;
  /** The validated request, as it will be stored. */
  request: Prisma.InputJsonValue;
  priority: JobPriority;
  idempotencyKey: string | null;
  cacheKey: string | null;
  pregenerated: boolean;
  partial: boolean;
  webhookUrl: string | null;
  /** Answer with a job already making the same `cacheKey` episode instead of adding one. */
  dedupeInFlight: boolean;
  /** The user's enqueued jobs at most: at the limit the new job waits (`enqueuedAt` null, run 0). */
  maxActiveJobs: number;
}

const SUBMIT_JOB: HotStatement = {
  name: 'podfleet_submit_job',
  text: `SELECT ${JOB_COLUMNS} FROM submit_job($1, $2::text[], $3, $4::"job_type", $5::jsonb,
           $6::"job_priority", $7, $8, $9, $10, $11, $12, $13::int)`,
};

/**
 * The submit of a new job in one round trip (the `submit_job` SQL function, a hot statement):
 * under the user's slot lock, a job in flight for the same cached episode answers (when
 * `dedupeInFlight`), otherwise the job, its four stages and its `created` event are inserted,
 * enqueued (run 1) if the user has a free slot. A repeated (userId, idempotencyKey) fails with a
 * unique violation (see isUniqueViolation) and leaves nothing behind.
 */
export async function submitJob(
  db: PrismaClient,
  input: SubmitJobInput,
): Promise<{ job: Job; deduplicated: boolean }> {
  const id = uuidv7();
  const stageIds = STAGES.map(() => uuidv7());
  const [job] = await runHot<Job>(db, SUBMIT_JOB, [
    id,
    stageIds,
    input.userId,
    input.type,
    JSON.stringify(input.request),
    input.priority,
    input.idempotencyKey,
    input.cacheKey,
    input.pregenerated,
    input.partial,
    input.webhookUrl,
    input.dedupeInFlight,
    input.maxActiveJobs,
  ]);
  if (!job) throw new Error('submit_job returned no row');
  return { job, deduplicated: job.id !== id };
}

/** Starts the next enqueue of a job: increments and returns `run` (BullMQ ids `${id}.${run}.${stage}`). */
export async function beginRun(db: DbClient, jobId: string): Promise<number> {
  const rows = await db.$queryRaw<{ run: number }[]>`
    UPDATE jobs SET run = run + 1, updated_at = now() WHERE id = ${jobId} RETURNING run`;
  const row = rows[0];
  if (!row) throw new Error(`job ${jobId} not found`);
  return row.run;
}

/**
 * Marks a stage attempt as started and the job as running in that phase. Returns
 * `{active: false}` and changes nothing when the job was cancelled or already finished: the
 * worker should then not run the stage.
 */
export function markStageStarted(
  db: PrismaClient,
  jobId: string,
  stage: Stage,
): Promise<{ active: true; stage: JobStage } | { active: false }> {
  return db.$transaction(async (tx) => {
    if (!(await lockActiveJob(tx, jobId))) return { active: false as const };
    await tx.$executeRaw`
      UPDATE job_stages
         SET status = 'running', attempts = attempts + 1, started_at = now(), finished_at = NULL,
             duration_ms = NULL, error_code = NULL, error_message = NULL
       WHERE job_id = ${jobId} AND stage = ${stage}::"stage"`;
    const row = await tx.jobStage.findUniqueOrThrow({ where: { jobId_stage: { jobId, stage } } });
    await tx.$executeRaw`
      UPDATE jobs
         SET status = 'running', phase = ${stage}::"stage", attempts = ${row.attempts},
             started_at = COALESCE(started_at, now()),
             progress = GREATEST(progress, ${STAGE_PROGRESS[stage].start}::int),
             updated_at = now()
       WHERE id = ${jobId}`;
    await tx.jobEvent.create({
      data: { jobId, type: 'stage_started', data: { stage, attempt: row.attempts } },
    });
    return { active: true as const, stage: row };
  });
}

export interface StageResult {
  /** Storage key of the artifact the stage wrote. */
  artifactKey: string;
  /** Hex SHA-256 of the artifact. */
  checksum: string;
  /** Provider cost of this stage in USD, added to the job's total. */
  costUsd?: number;
  /** Words in the script (the script stage knows it). */
  wordCount?: number;
  /** Provider names used, merged into the job's `providers` (e.g. `{script: "local"}`). */
  providers?: Record<string, string>;
}

/**
 * Records a finished stage and its artifact (a retry then skips it) and moves the job's progress
 * to the end of the stage's band. The artifact is recorded even if the job was cancelled in the
 * meantime (it exists); the job itself is only updated while active.
 */
export function markStageCompleted(
  db: PrismaClient,
  jobId: string,
  stage: Stage,
  result: StageResult,
): Promise<JobStage> {
  const providers = JSON.stringify(result.providers ?? {});
  return db.$transaction(async (tx) => {
    await tx.$executeRaw`
      UPDATE job_stages
         SET status = 'completed', artifact_key = ${result.artifactKey}, checksum = ${result.checksum},
             finished_at = now(), duration_ms = ${durationSql}, error_code = NULL, error_message = NULL
       WHERE job_id = ${jobId} AND stage = ${stage}::"stage"`;
    await tx.$executeRaw`
      UPDATE jobs
         SET progress = GREATEST(progress, ${STAGE_PROGRESS[stage].end}::int),
             cost_usd = cost_usd + ${result.costUsd ?? 0}::double precision,
             word_count = COALESCE(${result.wordCount ?? null}::int, word_count),
             providers = COALESCE(providers, '{}'::jsonb) || ${providers}::jsonb,
             updated_at = now()
       WHERE id = ${jobId} AND status IN ('queued', 'running')`;
    const row = await tx.jobStage.findUniqueOrThrow({ where: { jobId_stage: { jobId, stage } } });
    await tx.jobEvent.create({
      data: {
        jobId,
        type: 'stage_completed',
        data: { stage, durationMs: row.durationMs, artifactKey: result.artifactKey },
      },
    });
    return row;
  });
}

/** Records a failed stage attempt. The job stays as it is: a retry may follow (see failJob). */
export function markStageFailed(
  db: PrismaClient,
  jobId: string,
  stage: Stage,
  error: { code: string; message: string },
): Promise<JobStage> {
  return db.$transaction(async (tx) => {
    await tx.$executeRaw`
      UPDATE job_stages
         SET status = 'failed', finished_at = now(), duration_ms = ${durationSql},
             error_code = ${error.code}, error_message = ${error.message}
       WHERE job_id = ${jobId} AND stage = ${stage}::"stage"`;
    const row = await tx.jobStage.findUniqueOrThrow({ where: { jobId_stage: { jobId, stage } } });
    await tx.jobEvent.create({
      data: { jobId, type: 'stage_failed', data: { stage, attempt: row.attempts, ...error } },
    });
    return row;
  });
}

export interface ProgressUpdate {
  phase: Stage;
  /** 0–100; rounded, and ignored where lower than the stored value. */
  progress: number;
  /** Human-readable step; omit to keep the current one, null to clear it. */
  currentStep?: string | null;
}

export interface ProgressSnapshot {
  status: JobStatus;
  phase: Stage | null;
  progress: number;
  currentStep: string | null;
}

/**
 * One statement: progress only moves forward (GREATEST), phase and step are replaced. Returns the
 * stored state, or null when the job is no longer queued/running — a cheap cancellation check for
 * workers between steps.
 */
export async function updateProgress(
  db: DbClient,
  jobId: string,
  update: ProgressUpdate,
): Promise<ProgressSnapshot | null> {
  const progress = Math.min(100, Math.max(0, Math.round(update.progress)));
  if (!Number.isFinite(progress)) throw new RangeError(`progress must be a number, got ${update.progress}`);
  const keepStep = update.currentStep === undefined;
  const rows = await db.$queryRaw<ProgressSnapshot[]>`
    UPDATE jobs
       SET phase = ${update.phase}::"stage",
           progress = GREATEST(progress, ${progress}::int),
           current_step = CASE WHEN ${keepStep} THEN current_step ELSE ${update.currentStep ?? null}::text END,
           updated_at = now()
     WHERE id = ${jobId} AND status IN ('queued', 'running')
     RETURNING status::text AS status, phase::text AS phase, progress, current_step AS "currentStep"`;
  return rows[0] ?? null;
}

/** Appends to the job's event log. */
export function appendEvent(
  db: DbClient,
  jobId: string,
  type: string,
  data: Prisma.InputJsonObject = {},
): Promise<JobEvent> {
  return db.jobEvent.create({ data: { jobId, type, data } });
}

/** The first stage, in pipeline order, not completed or skipped; null when all are done. */
export async function firstUnfinishedStage(db: DbClient, jobId: string): Promise<Stage | null> {
  const rows = await db.jobStage.findMany({ where: { jobId }, select: { stage: true, status: true } });
  const done = new Set(
    rows.filter((r) => r.status === 'completed' || r.status === 'skipped').map((r) => r.stage),
  );
  return STAGES.find((stage) => !done.has(stage)) ?? null;
}

export interface CompletionDetails {
  episodeId?: string | null;
}

/** Marks an active job completed at 100 %. Returns null (and changes nothing) when it was not active. */
export function completeJob(
  db: PrismaClient,
  jobId: string,
  details: CompletionDetails = {},
): Promise<Job | null> {
  const episodeId = details.episodeId ?? null;
  return finish(db, jobId, ACTIVE_JOB_STATUSES, 'completed', { episodeId }, (tx) =>
    markCompleted(tx, jobId, episodeId),
  );
}

const markCompleted = (tx: Prisma.TransactionClient, jobId: string, episodeId: string | null) =>
  tx.$executeRaw`
    UPDATE jobs
       SET status = 'completed', progress = 100, current_step = NULL, completed_at = now(),
           episode_id = COALESCE(${episodeId}::text, episode_id),
           error_code = NULL, error_message = NULL, updated_at = now()
     WHERE id = ${jobId}`;

/**
 * Creates an active job's episode (once) and completes the job, in one transaction under the
 * job's row lock: a job cancelled (or failed) meanwhile publishes nothing and gets null, and a
 * re-run after completion gets null too. The episode's creation bumps the user's counters.
 */
export function publishEpisode(
  db: PrismaClient,
  jobId: string,
  data: EpisodeInput,
): Promise<{ job: Job; episode: Episode } | null> {
  return db.$transaction(async (tx) => {
    if (!(await lockActiveJob(tx, jobId))) return null;
    const { episode } = await insertEpisodeOnce(tx, jobId, data);
    await markCompleted(tx, jobId, episode.id);
    await tx.jobEvent.create({ data: { jobId, type: 'completed', data: { episodeId: episode.id } } });
    return { job: await tx.job.findUniqueOrThrow({ where: { id: jobId } }), episode };
  });
}

/** Marks an active job failed with an error code and message. Returns null when it was not active. */
export function failJob(db: PrismaClient, jobId: string, code: string, message: string): Promise<Job | null> {
  return finish(
    db,
    jobId,
    ACTIVE_JOB_STATUSES,
    'failed',
    { code, message },
    (tx) =>
      tx.$executeRaw`
      UPDATE jobs
         SET status = 'failed', error_code = ${code}, error_message = ${message}, current_step = NULL,
             completed_at = now(), updated_at = now()
       WHERE id = ${jobId}`,
  );
}

/** Cancels a queued or running job. Returns null when it had already finished (HTTP 409). */
export function cancelJob(db: PrismaClient, jobId: string): Promise<Job | null> {
  return finish(
    db,
    jobId,
    ACTIVE_JOB_STATUSES,
    'cancelled',
    {},
    (tx) =>
      tx.$executeRaw`
      UPDATE jobs SET status = 'cancelled', current_step = NULL, completed_at = now(), updated_at = now()
       WHERE id = ${jobId}`,
  );
}

/**
 * Puts a failed or cancelled job back to queued (enqueuedAt cleared), keeping completed stages
 * (their artifacts are reused) and giving the others a fresh attempt budget. Returns null unless
 * it was failed or cancelled (HTTP 409). The caller then enqueues it with beginRun().
 */
export function retryJob(db: PrismaClient, jobId: string): Promise<Job | null> {
  return finish(db, jobId, ['failed', 'cancelled'], 'retried', {}, async (tx) => {
    await tx.$executeRaw`
      UPDATE jobs
         SET status = 'queued', attempts = 0, error_code = NULL, error_message = NULL,
             current_step = NULL, completed_at = NULL, enqueued_at = NULL, updated_at = now()
       WHERE id = ${jobId}`;
    await tx.$executeRaw`
      UPDATE job_stages
         SET status = 'pending', attempts = 0, error_code = NULL, error_message = NULL
       WHERE job_id = ${jobId} AND status NOT IN ('completed', 'skipped')`;
  });
}

/** Locks the job row and runs `change` only if its status is one of `from`; logs `event`. */
function finish(
  db: PrismaClient,
  jobId: string,
  from: readonly JobStatus[],
  event: string,
  eventData: Prisma.InputJsonObject,
  change: (tx: Prisma.TransactionClient) => Promise<unknown>,
): Promise<Job | null> {
  return db.$transaction(async (tx) => {
    const status = await lockJob(tx, jobId);
    if (status === null || !from.includes(status)) return null;
    await change(tx);
    await tx.jobEvent.create({ data: { jobId, type: event, data: eventData } });
    return tx.job.findUniqueOrThrow({ where: { id: jobId } });
  });
}

async function lockJob(tx: Prisma.TransactionClient, jobId: string): Promise<JobStatus | null> {
  const rows = await tx.$queryRaw<{ status: JobStatus }[]>`
    SELECT status::text AS status FROM jobs WHERE id = ${jobId} FOR UPDATE`;
  return rows[0]?.status ?? null;
}

async function lockActiveJob(tx: Prisma.TransactionClient, jobId: string): Promise<boolean> {
  const status = await lockJob(tx, jobId);
  if (status === null) throw new Error(`job ${jobId} not found`);
  return (ACTIVE_JOB_STATUSES as readonly JobStatus[]).includes(status);
}

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
import type { EpisodeInput } from './episodes';
import { type HotStatement, JOB_COLUMNS, modelColumns, modelFrom, runHot } from './hot-sql';

/** A client or an interactive-transaction client: for functions that are a single statement. */
export type DbClient = PrismaClient | Prisma.TransactionClient;

/** An episode's stages in the order they run. */
export const STAGES = ['scrape', 'script', 'audio', 'upload'] as const satisfies readonly Stage[];

/** Every stage, each job type's in the order they run: sorts any job's stage rows. */
export const STAGE_ORDER = [...STAGES, 'clips'] as const satisfies readonly Stage[];

/**
 * The stages a job of each type runs, in order: its stage rows, its BullMQ flow (last stage the
 * root) and where a retry or re-enqueue resumes all follow this.
 */
export const JOB_STAGES: Readonly<Record<JobType, readonly Stage[]>> = {
  daily: STAGES,
  weekly: STAGES,
  custom: STAGES,
  upload: STAGES,
  clips: ['clips'],
};

/** The slice of 0–100 each stage's progress occupies (each job type's stages cover 0–100). */
export const STAGE_PROGRESS: Readonly<Record<Stage, { start: number; end: number }>> = {
  scrape: { start: 0, end: 20 },
  script: { start: 20, end: 40 },
  audio: { start: 40, end: 80 },
  upload: { start: 80, end: 100 },
  clips: { start: 0, end: 100 },
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
 * A queued job with its pending stage rows (JOB_STAGES of its type) and a `created` event, in one transaction.
 * A second job with the same (userId, idempotencyKey) fails with Prisma's P2002 (see
 * isUniqueViolation) and leaves nothing behind.
 */
export function createJobWithStages(db: DbClient, input: CreateJobInput): Promise<Job> {
  return db.job.create({
    data: {
      ...input,
      stages: { createMany: { data: JOB_STAGES[input.type].map((stage) => ({ stage })) } },
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

// The per-user slot rule, kept by the SQL functions this module calls (submit_job,
// claim_waiting_jobs, and publish_episode through claim_waiting_jobs), never restated in code: a
// user's job holds a slot while it is queued or running and enqueued (enqueued_at set); a job
// takes a slot only under the transaction-scoped advisory lock
// `hashtext('podfleet:user-slots:' || user_id)`, so two submits or claims of one user cannot both
// take the last slot. Jobs beyond `maxActiveJobs` wait (enqueued_at NULL) until claimWaitingJobs.

/** How long an Idempotency-Key answers with the job it first made; after that it is free again. */
const IDEMPOTENCY_WINDOW_MS = 24 * 3600 * 1000;

/**
 * The job `userId` made with Idempotency-Key `key` within the window, or null. A key past its
 * window is freed (the old job keeps its history) so a new request may use it.
 */
export async function findIdempotentJob(
  db: PrismaClient,
  userId: string,
  key: string,
  now: Date = new Date(),
): Promise<Job | null> {
  const job = await db.job.findUnique({ where: { userId_idempotencyKey: { userId, idempotencyKey: key } } });
  if (!job) return null;
  if (now.getTime() - job.createdAt.getTime() < IDEMPOTENCY_WINDOW_MS) return job;
  await db.job.updateMany({ where: { id: job.id, idempotencyKey: key }, data: { idempotencyKey: null } });
  return null;
}

/** A new job's id (UUIDv7, time-ordered), for a caller that needs it before the job exists. */
export const newJobId = (): string => uuidv7();

export interface SubmitJobInput {
  /** The job's id when the caller chose it first (an upload stages its files under it); a new one otherwise. */
  id?: string;
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
  text: `SELECT ${JOB_COLUMNS} FROM submit_job($1, $2::text[], $3::"stage"[], $4, $5::"job_type", $6::jsonb,
           $7::"job_priority", $8, $9, $10, $11, $12, $13, $14::int)`,
};

/**
 * The submit of a new job in one round trip (the `submit_job` SQL function, a hot statement):
 * under the user's slot lock, a job in flight for the same cached episode answers (when
 * `dedupeInFlight`), otherwise the job, its stages (JOB_STAGES of its type) and its `created` event are inserted,
 * enqueued (run 1) if the user has a free slot. A repeated (userId, idempotencyKey) fails with a
 * unique violation (see isUniqueViolation) and leaves nothing behind.
 */
export async function submitJob(
  db: PrismaClient,
  input: SubmitJobInput,
): Promise<{ job: Job; deduplicated: boolean }> {
  const id = input.id ?? newJobId();
  const stages = JOB_STAGES[input.type];
  const [job] = await runHot<Job>(db, SUBMIT_JOB, [
    id,
    stages.map(() => uuidv7()),
    stages,
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

/** An artifact a completed stage recorded: its storage key and SHA-256. */
export interface RecordedArtifact {
  key: string;
  checksum: string;
}

/** The artifacts of a job's completed stages, by stage. */
export type RecordedArtifacts = Partial<Record<Stage, RecordedArtifact>>;

export type StageStart =
  /** The job is on another run (or gone): this stage job is an older run's and must do nothing. */
  | { outcome: 'old_run'; currentRun: number | null }
  /** Already completed with this artifact: the caller checks it is still stored, else restarts. */
  | { outcome: 'recorded'; job: Job; artifact: RecordedArtifact }
  /** Cancelled or finished: the stage must not run. Nothing changed. */
  | { outcome: 'inactive'; job: Job }
  /**
   * Marked running (one more attempt), the job running in this phase; `job` as it now stands,
   * `artifacts` those the earlier stages recorded (the upload stage checks the audio against its).
   */
  | { outcome: 'started'; job: Job; artifacts: RecordedArtifacts };

const START_STAGE: HotStatement = {
  name: 'podfleet_start_stage',
  text: `SELECT s.outcome, s.artifacts, ${modelColumns(Prisma.JobScalarFieldEnum, { source: '(s.job)', as: 'job.' })}
           FROM start_stage($1, $2::int, $3::"stage", $4::int, $5::boolean) s`,
};

/**
 * Begins an attempt of `stage` for run `run` of a job, in one statement (the `start_stage` SQL
 * function): see StageStart for what it answers, checked in that order. `restart` starts a stage
 * even though it is recorded completed (its artifact turned out missing).
 */
export async function startStage(
  db: PrismaClient,
  input: { jobId: string; run: number; stage: Stage; restart?: boolean },
): Promise<StageStart> {
  const [row] = await runHot<Record<string, unknown>>(db, START_STAGE, [
    input.jobId,
    input.run,
    input.stage,
    STAGE_PROGRESS[input.stage].start,
    input.restart ?? false,
  ]);
  const job = modelFrom<Job>(row ?? {}, 'job.');
  const artifacts = (row?.artifacts ?? {}) as RecordedArtifacts;
  switch (row?.outcome) {
    case 'recorded':
      return { outcome: 'recorded', job, artifact: artifacts[input.stage]! };
    case 'inactive':
      return { outcome: 'inactive', job };
    case 'started':
      return { outcome: 'started', job, artifacts };
    default:
      return { outcome: 'old_run', currentRun: job.id ? job.run : null };
  }
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

const STAGE_COLUMNS = modelColumns(Prisma.JobStageScalarFieldEnum);

const COMPLETE_STAGE: HotStatement = {
  name: 'podfleet_complete_stage',
  text: `SELECT ${STAGE_COLUMNS} FROM complete_stage($1, $2::"stage", $3, $4, $5::int,
           $6::double precision, $7::int, $8::jsonb)`,
};

/**
 * Records a finished stage and its artifact (a retry then skips it), moves the job's progress to
 * the end of the stage's band and logs a stage_completed event, in one statement (the
 * `complete_stage` SQL function). The artifact is recorded even if the job was cancelled in the
 * meantime (it exists); the job itself is only updated while active.
 */
export async function markStageCompleted(
  db: PrismaClient,
  jobId: string,
  stage: Stage,
  result: StageResult,
): Promise<JobStage> {
  const [row] = await runHot<JobStage>(db, COMPLETE_STAGE, [
    jobId,
    stage,
    result.artifactKey,
    result.checksum,
    STAGE_PROGRESS[stage].end,
    result.costUsd ?? 0,
    result.wordCount ?? null,
    JSON.stringify(result.providers ?? {}),
  ]);
  if (!row) throw new Error(`complete_stage returned no row for job ${jobId}`);
  return row;
}

/** Records a failed stage attempt. The job stays as it is: a retry may follow (see failJob). */
export function markStageFailed(
  db: PrismaClient,
  jobId: string,
  stage: Stage,
  /** `provider`, when the stage knows who did the work, goes into the stage_failed event. */
  error: { code: string; message: string; provider?: string },
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

const UPDATE_PROGRESS: HotStatement = {
  name: 'podfleet_update_progress',
  text: `UPDATE jobs
            SET phase = $2::"stage", progress = GREATEST(progress, $3::int),
                current_step = CASE WHEN $4::boolean THEN current_step ELSE $5::text END,
                updated_at = now()
          WHERE id = $1 AND status IN ('queued', 'running')
      RETURNING status::text AS status, phase::text AS phase, progress, current_step AS "currentStep"`,
};

/**
 * One statement: progress only moves forward (GREATEST), phase and step are replaced. Returns the
 * stored state, or null when the job is no longer queued/running — a cheap cancellation check for
 * workers between steps.
 */
export async function updateProgress(
  db: PrismaClient,
  jobId: string,
  update: ProgressUpdate,
): Promise<ProgressSnapshot | null> {
  const progress = Math.min(100, Math.max(0, Math.round(update.progress)));
  if (!Number.isFinite(progress)) throw new RangeError(`progress must be a number, got ${update.progress}`);
  const keepStep = update.currentStep === undefined;
  const [row] = await runHot<ProgressSnapshot>(db, UPDATE_PROGRESS, [
    jobId,
    update.phase,
    progress,
    keepStep,
    update.currentStep ?? null,
  ]);
  return row ?? null;
}

const JOB_STATUS: HotStatement = {
  name: 'podfleet_job_status',
  text: 'SELECT status::text AS status FROM jobs WHERE id = $1',
};

/** The job's status, or null when it does not exist: a cancellation check between steps. */
export async function jobStatus(db: PrismaClient, jobId: string): Promise<JobStatus | null> {
  const [row] = await runHot<{ status: JobStatus }>(db, JOB_STATUS, [jobId]);
  return row?.status ?? null;
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

/** The job's first stage, in pipeline order, not completed or skipped; null when all are done. */
export async function firstUnfinishedStage(db: DbClient, jobId: string): Promise<Stage | null> {
  const rows = await db.jobStage.findMany({ where: { jobId }, select: { stage: true, status: true } });
  const unfinished = new Set(
    rows.filter((r) => r.status !== 'completed' && r.status !== 'skipped').map((r) => r.stage),
  );
  return STAGE_ORDER.find((stage) => unfinished.has(stage)) ?? null;
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

/** An episode as publishing returns it: without its transcript (the caller has it). */
export type PublishedEpisode = Omit<Episode, 'transcript'>;

const { transcript: _transcript, ...PUBLISHED_EPISODE_FIELDS } = Prisma.EpisodeScalarFieldEnum;

const PUBLISH_EPISODE: HotStatement = {
  name: 'podfleet_publish_episode',
  text: `SELECT ${modelColumns(Prisma.JobScalarFieldEnum, { source: '(p.job)', as: 'job.' })},
           ${modelColumns(PUBLISHED_EPISODE_FIELDS, { source: '(p.episode)', as: 'episode.' })}
      FROM publish_episode($1, $2, $3, $4::"job_type", $5, $6, $7, $8, $9::int, $10::double precision, $11,
           $12::jsonb, $13::jsonb, $14::jsonb, $15, $16::timestamptz, $17::int) p`,
};

const jsonOr = (value: unknown, fallback: unknown) => JSON.stringify(value ?? fallback);

/**
 * Creates an active job's episode (once), completes the job and claims the user's waiting jobs
 * that its freed slot lets in (as claimWaitingJobs, of `maxActiveJobs`), in one statement (the
 * `publish_episode` SQL function) under the job's row lock: a job cancelled (or failed) meanwhile
 * publishes nothing and gets null, and a re-run after completion gets null too. The episode's
 * creation bumps the user's counters. The caller enqueues the claimed jobs.
 */
export async function publishEpisode(
  db: PrismaClient,
  jobId: string,
  data: EpisodeInput,
  maxActiveJobs: number,
): Promise<{ job: Job; episode: PublishedEpisode; claimed: Job[] } | null> {
  const [row, ...claimed] = await runHot<Record<string, unknown>>(db, PUBLISH_EPISODE, [
    jobId,
    uuidv7(),
    data.userId,
    data.type,
    data.title,
    data.description,
    data.audioKey,
    data.transcriptKey ?? null,
    data.sizeBytes,
    data.durationSec,
    data.mimeType ?? 'audio/mpeg',
    jsonOr(data.chapters, []),
    jsonOr(data.transcript, []),
    jsonOr(data.sources, []),
    data.localDate ?? null,
    data.expiresAt ?? null,
    maxActiveJobs,
  ]);
  if (!row) return null;
  return {
    job: modelFrom<Job>(row, 'job.'),
    episode: modelFrom<PublishedEpisode>(row, 'episode.'),
    claimed: inClaimOrder(claimed.map((r) => modelFrom<Job>(r, 'job.'))),
  };
}

const CLAIM_WAITING_JOBS: HotStatement = {
  name: 'podfleet_claim_waiting_jobs',
  text: `SELECT ${JOB_COLUMNS} FROM claim_waiting_jobs($1, $2::int)`,
};

const PRIORITY_ORDER: Record<JobPriority, number> = { high: 0, normal: 1, low: 2 };

/** Highest priority first, then oldest: the order waiting jobs are claimed in. */
const inClaimOrder = (jobs: Job[]) =>
  jobs.sort(
    (a, b) =>
      PRIORITY_ORDER[a.priority] - PRIORITY_ORDER[b.priority] ||
      a.createdAt.getTime() - b.createdAt.getTime(),
  );

/**
 * Marks the user's oldest waiting jobs (highest priority first) enqueued under a new run, as many
 * as the user has free slots of `maxActiveJobs`, in one statement under the user's slot lock (the
 * `claim_waiting_jobs` SQL function). Returns them in that order; the caller enqueues them.
 */
export async function claimWaitingJobs(
  db: PrismaClient,
  userId: string,
  maxActiveJobs: number,
): Promise<Job[]> {
  return inClaimOrder(await runHot<Job>(db, CLAIM_WAITING_JOBS, [userId, maxActiveJobs]));
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

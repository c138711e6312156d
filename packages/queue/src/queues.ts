import type { DefaultJobOptions, KeepJobs } from 'bullmq';
import { z } from 'zod';

/**
 * The queue catalog: every BullMQ queue podfleet uses, its payload schema and its job/worker
 * settings, as data. Producers and workers both read it, so a payload is validated the same way
 * on both sides and retry policy lives in one place.
 */

/** Name of the custom backoff strategy the worker runtime registers (exponential, but never
 * shorter than a provider's Retry-After). Workers not started through `startWorkers` do not know it. */
export const RETRY_AFTER_BACKOFF = 'exponential-retry-after';

/** BullMQ refuses custom job ids that are integers or hold `:`; ours are dotted. */
const idPart = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, "_" and "-" only');

/**
 * W3C trace context of the span that enqueued the job (OpenTelemetry): the worker's span for the
 * job continues that trace. Absent when tracing is off; a malformed one is ignored, not refused.
 */
const traceparent = z
  .string()
  .regex(/^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/)
  .optional()
  .catch(undefined);

export const stagePayloadSchema = z.object({
  jobId: idPart,
  run: z.number().int().min(1),
  userId: z.string().min(1),
  /** Partial pre-generation: the flow stops before audio (the root is `script`). */
  partial: z.boolean().optional(),
  traceparent,
});

export const webhookPayloadSchema = z.object({
  /** The WebhookDelivery row, when the producer recorded one before enqueueing. */
  deliveryId: z.string().min(1).optional(),
  jobId: z.string().min(1),
  event: z.enum(['job.completed', 'job.failed']),
  url: z.url({ protocol: /^https?$/ }),
  traceparent,
});

export const pregeneratePayloadSchema = z.object({
  /** Who asked: the repeatable scheduler or the cron HTTP endpoint. */
  trigger: z.enum(['schedule', 'api']),
  /** ISO timestamp of the request; pre-generation targets each user's next local day from it. */
  requestedAt: z.iso.datetime(),
});

export const maintenancePayloadSchema = z.object({
  task: z.enum(['reconcile', 'cleanup', 'sweep', 'alerts']),
});

export type StagePayload = z.infer<typeof stagePayloadSchema>;
export type WebhookPayload = z.infer<typeof webhookPayloadSchema>;
export type PregeneratePayload = z.infer<typeof pregeneratePayloadSchema>;
export type MaintenancePayload = z.infer<typeof maintenancePayloadSchema>;

/** The four episode stages in pipeline order (scrape runs first, upload last). */
export const STAGES = ['scrape', 'script', 'audio', 'upload'] as const;
/**
 * Every stage queue: the episode's four, then `clips` (a clips job's only stage). A job's flow
 * runs the stages of its type (JOB_STAGES in @podfleet/db), in this order.
 */
export const STAGE_ORDER = [...STAGES, 'clips'] as const;
export type StageName = (typeof STAGE_ORDER)[number];

/**
 * Progress (0–100) each stage covers; a stage reports within its band. Each job type's stages
 * together cover 0–100: an episode's four, a clips job's one.
 */
export const PROGRESS_BANDS: Readonly<Record<StageName, { readonly start: number; readonly end: number }>> = {
  scrape: { start: 0, end: 20 },
  script: { start: 20, end: 40 },
  audio: { start: 40, end: 80 },
  upload: { start: 80, end: 100 },
  clips: { start: 0, end: 100 },
};

/** Maps a stage's own fraction done (0..1) to overall job progress (integer 0..100). */
export function stageProgress(stage: StageName, fraction: number): number {
  const band = PROGRESS_BANDS[stage];
  const clamped = Math.min(1, Math.max(0, Number.isFinite(fraction) ? fraction : 0));
  return Math.round(band.start + (band.end - band.start) * clamped);
}

export interface QueueDefinition<S extends z.ZodType> {
  readonly schema: S;
  /** Total tries including the first (BullMQ `attempts`). */
  readonly attempts: number;
  /** Base delay of the exponential backoff: retry n waits base·2^(n-1) ms (or Retry-After if longer). */
  readonly backoffMs: number;
  readonly concurrency: number;
  /** Worker lock; renewed every lockDuration/2 while the event loop is free. */
  readonly lockDurationMs: number;
  readonly stalledIntervalMs: number;
  /** How often a job may be recovered from a dead worker before it fails. */
  readonly maxStalledCount: number;
  readonly removeOnComplete: KeepJobs;
  readonly removeOnFail: KeepJobs;
}

const HOUR_S = 3600;
const DAY_S = 24 * HOUR_S;
// The database is the source of truth for jobs; Redis keeps finished jobs only for Bull Board.
const keepCompleted: KeepJobs = { age: DAY_S, count: 1000 };
const keepFailed: KeepJobs = { age: 7 * DAY_S, count: 5000 };

const stage = (overrides: Partial<QueueDefinition<typeof stagePayloadSchema>>) => ({
  schema: stagePayloadSchema,
  attempts: 3,
  backoffMs: 5_000,
  concurrency: 2,
  lockDurationMs: 30_000,
  stalledIntervalMs: 30_000,
  maxStalledCount: 1,
  removeOnComplete: keepCompleted,
  removeOnFail: keepFailed,
  ...overrides,
});

export const QUEUES = {
  scrape: stage({ concurrency: 4 }),
  script: stage({ concurrency: 2 }),
  // TTS and ffmpeg run in child processes, so the event loop stays free to renew locks; the
  // longer lock and stall interval are a margin for a loaded machine (a lost lock runs a
  // stage twice, bullmq#2857), and two stalls are tolerated since a stage can take minutes.
  audio: stage({ concurrency: 1, lockDurationMs: 120_000, stalledIntervalMs: 60_000, maxStalledCount: 2 }),
  upload: stage({ concurrency: 4 }),
  // Rendering clips is ffmpeg work of the audio role, as heavy as the audio stage's (child
  // processes, same lock margins); one job at a time renders its clips one after another, and a
  // retry keeps the clips an earlier attempt stored.
  clips: stage({ concurrency: 1, lockDurationMs: 120_000, stalledIntervalMs: 60_000, maxStalledCount: 2 }),
  webhooks: {
    schema: webhookPayloadSchema,
    attempts: 8, // 10 s … ~21 min between tries
    backoffMs: 10_000,
    concurrency: 8,
    lockDurationMs: 30_000,
    stalledIntervalMs: 30_000,
    maxStalledCount: 1,
    removeOnComplete: keepCompleted,
    removeOnFail: keepFailed,
  },
  pregenerate: {
    schema: pregeneratePayloadSchema,
    attempts: 2,
    backoffMs: 60_000,
    concurrency: 1,
    lockDurationMs: 60_000,
    stalledIntervalMs: 30_000,
    maxStalledCount: 1,
    removeOnComplete: { age: 7 * DAY_S, count: 100 },
    removeOnFail: { age: 30 * DAY_S, count: 100 },
  },
  maintenance: {
    schema: maintenancePayloadSchema,
    attempts: 1, // periodic: the next tick is the retry
    backoffMs: 0,
    concurrency: 1,
    lockDurationMs: 60_000,
    stalledIntervalMs: 30_000,
    maxStalledCount: 1,
    removeOnComplete: { age: HOUR_S, count: 100 },
    removeOnFail: { age: DAY_S, count: 500 },
  },
} as const satisfies Record<string, QueueDefinition<z.ZodType>>;

export type QueueName = keyof typeof QUEUES;
export const QUEUE_NAMES = Object.keys(QUEUES) as QueueName[];
export type PayloadOf<Q extends QueueName> = z.infer<(typeof QUEUES)[Q]['schema']>;

export function isQueueName(value: string): value is QueueName {
  return Object.hasOwn(QUEUES, value);
}

/** Default BullMQ job options for a queue (attempts, backoff, retention). */
export function jobOptionsFor(queue: QueueName): DefaultJobOptions {
  const def: QueueDefinition<z.ZodType> = QUEUES[queue];
  return {
    attempts: def.attempts,
    backoff: def.attempts > 1 ? { type: RETRY_AFTER_BACKOFF, delay: def.backoffMs } : undefined,
    removeOnComplete: def.removeOnComplete,
    removeOnFail: def.removeOnFail,
  };
}

export class InvalidPayloadError extends Error {
  readonly code = 'INVALID_PAYLOAD';
  readonly retryable = false;
  constructor(
    readonly queue: QueueName,
    readonly issues: z.core.$ZodIssue[],
    detail: string,
  ) {
    super(`invalid ${queue} payload: ${detail}`);
    this.name = 'InvalidPayloadError';
  }
}

/** Validates a payload against its queue's schema; throws InvalidPayloadError naming each problem. */
export function parsePayload<Q extends QueueName>(queue: Q, data: unknown): PayloadOf<Q> {
  const result = QUEUES[queue].schema.safeParse(data);
  if (!result.success) {
    const detail = result.error.issues
      .map((i) => `${i.path.length > 0 ? i.path.join('.') : '(root)'}: ${i.message}`)
      .join('; ');
    throw new InvalidPayloadError(queue, result.error.issues, detail);
  }
  return result.data as PayloadOf<Q>;
}

import { findIdempotentJob } from '@podfleet/db';
import type { PipelineContext } from '../context';
import { enqueueRun, type SubmitResult, submitJobOnce } from '../lifecycle';
import { type ClipsJobRequest, clipsCacheKey } from './request';

export interface SubmitClipsInput {
  userId: string;
  /** Normalised (normaliseClipsRequest); its hash is the job's cacheKey. */
  request: ClipsJobRequest;
  idempotencyKey?: string;
}

/**
 * Creates a clips job (one stage, `clips`) and enqueues it like any job: the user's slot rule
 * applies, and a job in flight for the same episode and request answers instead of a new one.
 */
export async function submitClipsJob(ctx: PipelineContext, input: SubmitClipsInput): Promise<SubmitResult> {
  const { userId, request, idempotencyKey } = input;
  if (idempotencyKey) {
    const existing = await findIdempotentJob(ctx.db, userId, idempotencyKey);
    if (existing) return { job: existing, deduplicated: true };
  }
  const created = await submitJobOnce(ctx, {
    userId,
    type: 'clips',
    request,
    priority: 'normal',
    idempotencyKey: idempotencyKey ?? null,
    cacheKey: clipsCacheKey(request),
    pregenerated: false,
    partial: false,
    webhookUrl: null,
    dedupeInFlight: true,
    maxActiveJobs: ctx.userMaxActiveJobs,
  });
  if (created.deduplicated || created.job.enqueuedAt === null) return created;
  const job = await enqueueRun(ctx, created.job, created.job.run, { fromStage: 'clips' });
  return { job, deduplicated: false };
}

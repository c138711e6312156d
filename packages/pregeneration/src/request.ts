// How a daily/weekly request is answered: the cached episode of the period if there is one,
// else a job, which takes over the script of the night's partial pre-generation when that
// script was written from exactly the sources and style this job would use.
import { isDeepStrictEqual } from 'node:util';
import type { Job, PrismaClient } from '@podfleet/db';
import {
  type EpisodeRequest,
  episodeCacheKey,
  isValidTimeZone,
  localPeriod,
  type PipelineContext,
  type SubmitUser,
  submitEpisodeJob,
} from '@podfleet/pipeline';

export interface PartialScript {
  jobId: string;
  /** The request the partial job stored (its resolved sources and style). */
  request: Job['request'];
}

/**
 * The newest completed partial pre-generation for `cacheKey` whose script stage is recorded,
 * or null. Its artifacts may still be missing in storage; copying checks them.
 */
export async function findPartialScript(db: PrismaClient, cacheKey: string): Promise<PartialScript | null> {
  const job = await db.job.findFirst({
    where: {
      cacheKey,
      partial: true,
      status: 'completed',
      stages: { some: { stage: 'script', status: 'completed' } },
    },
    orderBy: { createdAt: 'desc' },
    select: { id: true, request: true },
  });
  return job ? { jobId: job.id, request: job.request } : null;
}

/** A job made (or joined) for a request. */
export interface GeneratedEpisode {
  job: Job;
  /** An in-flight job of the same period (or the same Idempotency-Key) answers this request. */
  deduplicated: boolean;
  /** The partial job whose script this job reuses (it runs audio and upload only). */
  reusedFrom: string | null;
}

export interface EpisodeRequestInput {
  user: SubmitUser;
  request: EpisodeRequest;
  idempotencyKey?: string;
  now?: Date;
}

/**
 * Makes the job for a request the cache did not answer (or must not: custom, forceRegenerate):
 * a daily/weekly job reuses the script of the period's partial pre-generation when it fits; a
 * job already making the episode answers instead (submit's in-flight check).
 */
export async function generateEpisode(
  ctx: PipelineContext,
  input: EpisodeRequestInput,
): Promise<GeneratedEpisode> {
  const { user, request } = input;
  const now = input.now ?? new Date();
  let reusedFrom: string | null = null;
  if (request.type !== 'custom' && !request.forceRegenerate) {
    const zone = isValidTimeZone(user.timezone) ? user.timezone : 'UTC';
    const cacheKey = episodeCacheKey(user.id, request.type, localPeriod(request.type, now, zone));
    const partial = await findPartialScript(ctx.db, cacheKey);
    if (partial && scriptMatches(partial, user, request)) reusedFrom = partial.jobId;
  }
  const { job, deduplicated } = await submitEpisodeJob(ctx, {
    userId: user.id,
    user,
    request,
    now,
    ...(input.idempotencyKey ? { idempotencyKey: input.idempotencyKey } : {}),
    ...(reusedFrom ? { reuseArtifactsFrom: reusedFrom } : {}),
  });
  return { job, deduplicated, reusedFrom: deduplicated ? null : reusedFrom };
}

/** The partial job's script fits when it used the sources and style this request resolves to. */
function scriptMatches(
  partial: PartialScript,
  user: EpisodeRequestInput['user'],
  request: EpisodeRequest,
): boolean {
  const stored = partial.request as { sources?: unknown; style?: unknown } | null;
  const sources = request.sources ?? user.sources;
  const style = { ...((user.style as object | null) ?? {}), ...(request.style ?? {}) };
  return isDeepStrictEqual(stored?.sources, sources) && isDeepStrictEqual(stored?.style, style);
}

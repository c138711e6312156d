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
import { type CachedEpisode, type CacheSource, readEpisodeCache } from './cache';

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

export type EpisodeAnswer =
  | { cached: true; source: CacheSource; episode: CachedEpisode }
  | {
      cached: false;
      job: Job;
      /** An in-flight job of the same period (or the same Idempotency-Key) answers this request. */
      deduplicated: boolean;
      /** The partial job whose script this job reuses (it runs audio and upload only). */
      reusedFrom: string | null;
    };

export interface EpisodeRequestInput {
  user: SubmitUser;
  request: EpisodeRequest;
  idempotencyKey?: string;
  now?: Date;
  /**
   * The caller has just looked in the cache (readEpisodeCache) and found nothing: do not look
   * (and count) again. A job already making the episode still answers (submit's in-flight check).
   */
  cacheMissed?: boolean;
}

/**
 * POST /v1/episodes for any type: daily/weekly first look in the cache (unless
 * forceRegenerate, which always makes a new job and, once it is published, replaces the
 * cached one); custom requests and misses go to submitEpisodeJob.
 */
export async function requestEpisode(
  ctx: PipelineContext,
  input: EpisodeRequestInput,
): Promise<EpisodeAnswer> {
  const { user, request } = input;
  const now = input.now ?? new Date();
  let reusedFrom: string | null = null;
  if (request.type !== 'custom' && !request.forceRegenerate) {
    const hit = input.cacheMissed ? null : await readEpisodeCache(ctx, user, request.type, now);
    if (hit) return { cached: true, ...hit };
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
  return { cached: false, job, deduplicated, reusedFrom: deduplicated ? null : reusedFrom };
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

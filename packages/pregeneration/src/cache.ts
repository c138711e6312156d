// The finished-episode cache: `${prefix}:podcast:{userId}:{daily|weekly}:{period}` holds the
// episode (every field but the timed transcript) until the user's local day (ISO week for
// weekly) ends, so a repeated request for today's episode is one Redis GET.
import type { Episode, User } from '@podfleet/db';
import {
  type EpisodeKind,
  type EpisodePublishedHook,
  episodeCacheKey,
  isValidTimeZone,
  localPeriod,
  type PipelineContext,
} from '@podfleet/pipeline';
import { RedisScript } from '@podfleet/queue';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { periodEnd } from './period';

/** What the cache holds: an Episode without its (large) transcript. */
export type CachedEpisode = Omit<Episode, 'transcript'>;

export type CacheSource = 'cache' | 'database';

export interface CachedAnswer {
  episode: CachedEpisode;
  /** `cache`: from Redis; `database`: the key was gone, the episode came from PostgreSQL (key re-warmed). */
  source: CacheSource;
}

const chapterSchema = z.object({ title: z.string(), startSec: z.number() });
const sourceSchema = z.object({ kind: z.string(), title: z.string(), url: z.string().nullable() });

const cachedEpisodeSchema = z.object({
  id: z.string(),
  jobId: z.string(),
  userId: z.string(),
  type: z.enum(['daily', 'weekly', 'custom']),
  title: z.string(),
  description: z.string(),
  audioKey: z.string(),
  transcriptKey: z.string().nullable(),
  sizeBytes: z.number().int(),
  durationSec: z.number(),
  mimeType: z.string(),
  chapters: z.array(chapterSchema),
  sources: z.array(sourceSchema),
  localDate: z.string().nullable(),
  createdAt: z.coerce.date(),
  expiresAt: z.coerce.date().nullable(),
  // Absent in entries written before archiving existed; archived episodes are never cached.
  archivedAt: z.coerce.date().nullable().default(null),
  // Absent in entries written before re-rendering existed (#17): those are version 1.
  version: z.number().int().default(1),
  scriptVersion: z.number().int().default(1),
  scriptKey: z.string().nullable().default(null),
  renderJobId: z.string().nullable().default(null),
  renderedAt: z.coerce.date().nullable().default(null),
});

/** Only daily and weekly episodes have a period, and so a cache entry. */
const isPeriodic = (type: Episode['type']): type is EpisodeKind => type === 'daily' || type === 'weekly';

export const cacheRedisKey = (prefix: string, userId: string, kind: EpisodeKind, period: string) =>
  `${prefix}:${episodeCacheKey(userId, kind, period)}`;

/** Fleet-wide lookup counters (every API replica adds to them): hit = Redis, fallback = database. */
export const cacheCounterKey = (prefix: string, outcome: 'hit' | 'miss' | 'fallback') =>
  `${prefix}:metrics:cache:${outcome}`;

const zoneOf = (timeZone: string) => (isValidTimeZone(timeZone) ? timeZone : 'UTC');

function toCached(episode: Episode | CachedEpisode): CachedEpisode {
  const { transcript: _transcript, ...rest } = episode as Episode;
  return rest;
}

/**
 * Stores the episode under its period's key until the period ends in the user's timezone (or
 * the episode expires, if sooner). Replaces what was there: a forceRegenerate result wins.
 * Returns false (nothing stored) for custom episodes and periods already over at `now`.
 */
export async function writeEpisodeCache(
  ctx: PipelineContext,
  episodeOrId: Episode | CachedEpisode | string,
  now: Date = new Date(),
): Promise<boolean> {
  const episode =
    typeof episodeOrId === 'string'
      ? await ctx.db.episode.findUnique({ where: { id: episodeOrId }, omit: { transcript: true } })
      : toCached(episodeOrId);
  if (!episode || !isPeriodic(episode.type) || episode.localDate === null || episode.archivedAt) return false;
  const user = await ctx.db.user.findUnique({ where: { id: episode.userId }, select: { timezone: true } });
  if (!user) return false;
  const ends = Math.min(
    periodEnd(episode.type, episode.localDate, zoneOf(user.timezone)).getTime(),
    episode.expiresAt?.getTime() ?? Number.POSITIVE_INFINITY,
  );
  const ttlMs = ends - now.getTime();
  if (ttlMs <= 0) return false;
  const key = cacheRedisKey(ctx.prefix, episode.userId, episode.type, episode.localDate);
  await ctx.redis.set(key, JSON.stringify(episode), 'PX', ttlMs);
  return true;
}

/** The uploader's `onPublished` hook: `uploadStage(ctx, warmEpisodeCache)`. Never fails the upload. */
export const warmEpisodeCache: EpisodePublishedHook = async (ctx, episode) => {
  await writeEpisodeCache(ctx, episode).catch((err: unknown) =>
    ctx.logger.warn({ err, episodeId: episode.id }, 'could not write the episode cache'),
  );
};

// GET and count a hit in one round trip.
const GET_AND_COUNT_HIT = new RedisScript(`
local value = redis.call('GET', KEYS[1])
if value then redis.call('INCR', KEYS[2]) end
return value`);

/**
 * Today's (this ISO week's) episode of `kind` for the user: from Redis, else the newest
 * completed one of the period in PostgreSQL (and the key is written again), else null.
 * Counts hit / fallback / miss. Callers skip it for `forceRegenerate`.
 */
export async function readEpisodeCache(
  ctx: PipelineContext,
  user: Pick<User, 'id' | 'timezone'>,
  kind: EpisodeKind,
  now: Date = new Date(),
): Promise<CachedAnswer | null> {
  const period = localPeriod(kind, now, zoneOf(user.timezone));
  const key = cacheRedisKey(ctx.prefix, user.id, kind, period);
  const raw = (await GET_AND_COUNT_HIT.run(ctx.redis, [key, cacheCounterKey(ctx.prefix, 'hit')])) as
    | string
    | null;
  if (raw !== null) {
    const parsed = cachedEpisodeSchema.safeParse(safeJson(raw));
    if (parsed.success && (parsed.data.expiresAt === null || parsed.data.expiresAt > now)) {
      return { episode: parsed.data, source: 'cache' };
    }
    // Unreadable or past retention: not an answer. Undo the hit and look in the database.
    await ctx.redis.multi().del(key).decr(cacheCounterKey(ctx.prefix, 'hit')).exec();
  }
  const episode = await ctx.db.episode.findFirst({
    where: {
      userId: user.id,
      type: kind,
      localDate: period,
      archivedAt: null,
      OR: [{ expiresAt: null }, { expiresAt: { gt: now } }],
    },
    orderBy: { createdAt: 'desc' },
    omit: { transcript: true },
  });
  await ctx.redis.incr(cacheCounterKey(ctx.prefix, episode ? 'fallback' : 'miss'));
  if (!episode) return null;
  await writeEpisodeCache(ctx, episode, now);
  return { episode, source: 'database' };
}

function safeJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return null;
  }
}

/** Drops the cached episode of one period (retention removes the episode, a user deletes it…). */
export async function invalidateEpisodeCache(
  ctx: PipelineContext,
  episode: Pick<Episode, 'userId' | 'type' | 'localDate'>,
): Promise<void> {
  if (!isPeriodic(episode.type) || episode.localDate === null) return;
  await ctx.redis.del(cacheRedisKey(ctx.prefix, episode.userId, episode.type, episode.localDate));
}

export interface CacheCounters {
  hits: number;
  fallbacks: number;
  misses: number;
  /** (hits + fallbacks) / lookups: requests answered without generating; null before any lookup. */
  hitRate: number | null;
}

export async function readCacheCounters(redis: Redis, prefix: string): Promise<CacheCounters> {
  const [hit, fallback, miss] = await redis.mget(
    cacheCounterKey(prefix, 'hit'),
    cacheCounterKey(prefix, 'fallback'),
    cacheCounterKey(prefix, 'miss'),
  );
  const hits = Number(hit ?? 0);
  const fallbacks = Number(fallback ?? 0);
  const misses = Number(miss ?? 0);
  const lookups = hits + fallbacks + misses;
  return { hits, fallbacks, misses, hitRate: lookups > 0 ? (hits + fallbacks) / lookups : null };
}

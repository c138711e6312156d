import { episodeRequestSchema } from '@podfleet/pipeline';
import { createEpisode, createTestContext, createUser, type TestContext } from '../test/context';
import {
  cacheRedisKey,
  invalidateEpisodeCache,
  readCacheCounters,
  readEpisodeCache,
  writeEpisodeCache,
} from './cache';
import { generateEpisode } from './request';
import { runPregeneration } from './run';

const HOUR = 3_600_000;
// 00:30 on Friday 27 November 2026 in Tokyo: its local day ends 23.5 h later.
const NOW = new Date('2026-11-26T15:30:00Z');

describe('the episode cache', () => {
  let t: TestContext;
  beforeEach(async () => {
    t = await createTestContext();
  });
  afterEach(async () => {
    await t.close();
  });

  const tokyoUser = () => createUser(t.db, { timezone: 'Asia/Tokyo' });
  const pttl = (userId: string, kind: 'daily' | 'weekly', period: string) =>
    t.ctx.redis.pttl(cacheRedisKey(t.ctx.prefix, userId, kind, period));

  it('keeps a daily episode until the end of the user’s local day', async () => {
    const user = await tokyoUser();
    const episode = await createEpisode(t.db, { userId: user.id, localDate: '2026-11-27' });
    expect(await writeEpisodeCache(t.ctx, episode, NOW)).toBe(true);
    const ttl = await pttl(user.id, 'daily', '2026-11-27');
    expect(ttl).toBeLessThanOrEqual(23.5 * HOUR);
    expect(ttl).toBeGreaterThan(23.5 * HOUR - 5_000);

    // A weekly one lives until the ISO week ends: Monday 30 November 00:00 in Tokyo.
    const weekly = await createEpisode(t.db, { userId: user.id, type: 'weekly', localDate: '2026-W48' });
    expect(await writeEpisodeCache(t.ctx, weekly.id, NOW)).toBe(true);
    const weeklyTtl = await pttl(user.id, 'weekly', '2026-W48');
    const untilMonday = new Date('2026-11-29T15:00:00Z').getTime() - NOW.getTime();
    expect(weeklyTtl).toBeLessThanOrEqual(untilMonday);
    expect(weeklyTtl).toBeGreaterThan(untilMonday - 5_000);

    // Retention ends it sooner when the episode expires first.
    const soon = await createEpisode(t.db, {
      userId: (await tokyoUser()).id,
      localDate: '2026-11-27',
      expiresAt: new Date(NOW.getTime() + HOUR),
    });
    await writeEpisodeCache(t.ctx, soon, NOW);
    expect(await pttl(soon.userId, 'daily', '2026-11-27')).toBeLessThanOrEqual(HOUR);
  });

  it('stores nothing for a period already over, or a custom episode', async () => {
    const user = await tokyoUser();
    const yesterday = await createEpisode(t.db, { userId: user.id, localDate: '2026-11-26' });
    expect(await writeEpisodeCache(t.ctx, yesterday, NOW)).toBe(false);
    const custom = await createEpisode(t.db, { userId: user.id, type: 'custom', localDate: null });
    expect(await writeEpisodeCache(t.ctx, custom, NOW)).toBe(false);
    expect(await t.ctx.redis.exists(cacheRedisKey(t.ctx.prefix, user.id, 'daily', '2026-11-26'))).toBe(0);
  });

  it('answers a hit from Redis, falls back to the database when the key is gone and re-warms it, and misses', async () => {
    const user = await tokyoUser();
    const episode = await createEpisode(t.db, { userId: user.id, localDate: '2026-11-27' });
    await writeEpisodeCache(t.ctx, episode, NOW);

    const hit = await readEpisodeCache(t.ctx, user, 'daily', NOW);
    expect(hit?.source).toBe('cache');
    const { transcript: _omitted, ...withoutTranscript } = episode;
    expect(hit?.episode).toEqual(withoutTranscript);

    await t.ctx.redis.del(cacheRedisKey(t.ctx.prefix, user.id, 'daily', '2026-11-27'));
    const fallback = await readEpisodeCache(t.ctx, user, 'daily', NOW);
    expect(fallback).toEqual({ source: 'database', episode: withoutTranscript });
    expect(await pttl(user.id, 'daily', '2026-11-27')).toBeGreaterThan(23 * HOUR);
    expect((await readEpisodeCache(t.ctx, user, 'daily', NOW))?.source).toBe('cache');

    // Nothing for the weekly period, nor for another user.
    expect(await readEpisodeCache(t.ctx, user, 'weekly', NOW)).toBeNull();
    expect(await readEpisodeCache(t.ctx, await tokyoUser(), 'daily', NOW)).toBeNull();

    expect(await readCacheCounters(t.ctx.redis, t.ctx.prefix)).toEqual({
      hits: 2,
      fallbacks: 1,
      misses: 2,
      hitRate: 3 / 5,
    });
  });

  it('serves the next local day nothing: yesterday’s episode is not today’s', async () => {
    const user = await tokyoUser();
    const episode = await createEpisode(t.db, { userId: user.id, localDate: '2026-11-27' });
    await writeEpisodeCache(t.ctx, episode, NOW);
    const nextDay = new Date('2026-11-27T15:00:00Z'); // 00:00 on the 28th in Tokyo
    expect(await readEpisodeCache(t.ctx, user, 'daily', new Date(nextDay.getTime() - 1000))).not.toBeNull();
    expect(await readEpisodeCache(t.ctx, user, 'daily', nextDay)).toBeNull();
  });

  it('does not serve an episode past its retention, from Redis or the database', async () => {
    const user = await tokyoUser();
    const episode = await createEpisode(t.db, {
      userId: user.id,
      localDate: '2026-11-27',
      expiresAt: new Date(NOW.getTime() + HOUR),
    });
    await writeEpisodeCache(t.ctx, episode, NOW);
    const later = new Date(NOW.getTime() + 2 * HOUR); // the key (TTL 1 h in real time) is still there
    expect(await readEpisodeCache(t.ctx, user, 'daily', later)).toBeNull();
    expect(await t.ctx.redis.exists(cacheRedisKey(t.ctx.prefix, user.id, 'daily', '2026-11-27'))).toBe(0);
    expect((await readCacheCounters(t.ctx.redis, t.ctx.prefix)).hits).toBe(0);
  });

  it('invalidates one period’s key', async () => {
    const user = await tokyoUser();
    const episode = await createEpisode(t.db, { userId: user.id, localDate: '2026-11-27' });
    await writeEpisodeCache(t.ctx, episode, NOW);
    await invalidateEpisodeCache(t.ctx, episode);
    expect(await t.ctx.redis.exists(cacheRedisKey(t.ctx.prefix, user.id, 'daily', '2026-11-27'))).toBe(0);
  });
});

describe('cache, then generateEpisode, as POST /v1/episodes does (no workers)', () => {
  let t: TestContext;
  beforeEach(async () => {
    t = await createTestContext();
  });
  afterEach(async () => {
    await t.close();
  });
  const daily = (extra: Record<string, unknown> = {}) =>
    episodeRequestSchema.parse({ type: 'daily', ...extra });

  it('answers a cached daily episode without a job; forceRegenerate bypasses the cache', async () => {
    const user = await createUser(t.db, { timezone: 'Asia/Tokyo' });
    const episode = await createEpisode(t.db, { userId: user.id, localDate: '2026-11-27' });
    await writeEpisodeCache(t.ctx, episode, NOW);
    const jobsBefore = await t.db.job.count();

    const cached = await readEpisodeCache(t.ctx, user, 'daily', NOW);
    expect(cached).toMatchObject({ source: 'cache', episode: { id: episode.id } });
    expect(await t.db.job.count()).toBe(jobsBefore);

    const forced = await generateEpisode(t.ctx, {
      user,
      request: daily({ forceRegenerate: true }),
      now: NOW,
    });
    expect(forced).toMatchObject({ deduplicated: false, reusedFrom: null });
    expect(forced.job).toMatchObject({ status: 'queued', cacheKey: `podcast:${user.id}:daily:2026-11-27` });
    expect(await t.db.job.count()).toBe(jobsBefore + 1);
    // The cached answer stays until the new episode replaces it.
    expect((await readEpisodeCache(t.ctx, user, 'daily', NOW))?.episode.id).toBe(episode.id);
  });

  it('returns the in-flight job for a second request of the same day; forceRegenerate makes another', async () => {
    const user = await createUser(t.db, { timezone: 'America/New_York' });
    const first = await generateEpisode(t.ctx, { user, request: daily(), now: NOW });
    const second = await generateEpisode(t.ctx, {
      user,
      request: daily(),
      now: new Date(NOW.getTime() + 60_000),
    });
    expect(second.deduplicated).toBe(true);
    expect(second.job.id).toBe(first.job.id);

    const forced = await generateEpisode(t.ctx, {
      user,
      request: daily({ forceRegenerate: true }),
      now: NOW,
    });
    expect(forced.deduplicated).toBe(false);
    expect(forced.job.id).not.toBe(first.job.id);
    // Weekly is its own period.
    const weekly = await generateEpisode(t.ctx, { user, request: daily({ type: 'weekly' }), now: NOW });
    expect(weekly.job.cacheKey).toBe(`podcast:${user.id}:weekly:2026-W48`);
  });

  it('does not let an in-flight partial pre-generation answer a request', async () => {
    const user = await createUser(t.db, { pregenerateTier: 'partial' }, NOW);
    await runPregeneration(t.ctx, { now: NOW, mode: 'all' });
    const partial = await t.db.job.findFirstOrThrow({ where: { userId: user.id, partial: true } });
    const answer = await generateEpisode(t.ctx, { user, request: daily(), now: NOW });
    expect(answer.deduplicated).toBe(false);
    expect(answer.job.id).not.toBe(partial.id);
    expect(answer.job.partial).toBe(false);
  });
});

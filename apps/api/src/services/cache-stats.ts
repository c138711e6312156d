import type { Redis } from 'ioredis';

/**
 * Episode-cache lookups counted fleet-wide in one Redis hash (every API replica adds to it), for
 * GET /v1/stats; /metrics counts the same lookups per process (podfleet_episode_cache_lookups_total).
 */
const key = (prefix: string) => `${prefix}:stats:episode-cache`;

export async function recordCacheLookup(redis: Redis, prefix: string, hit: boolean): Promise<void> {
  await redis.hincrby(key(prefix), hit ? 'hits' : 'misses', 1);
}

export async function readCacheStats(
  redis: Redis,
  prefix: string,
): Promise<{ hits: number; misses: number; hitRate: number | null }> {
  const raw = await redis.hgetall(key(prefix));
  const hits = Number(raw.hits ?? 0);
  const misses = Number(raw.misses ?? 0);
  return { hits, misses, hitRate: hits + misses > 0 ? hits / (hits + misses) : null };
}

// Validators for conditional GETs of a feed. The ETag is the body's hash. Last-Modified must move
// whenever the body changes, which also happens without any row changing (an episode expires, a
// signing window moves), so it is the time this body was first served, kept in Redis per user.
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

export interface FeedValidators {
  etag: string;
  /** null when Redis could not be asked: the ETag alone then answers conditional requests. */
  lastModified: Date | null;
}

/** A feed not fetched for this long starts over (its next fetch is "modified now"). */
const VERSION_TTL_SEC = 90 * 24 * 3600;

const versionKey = (prefix: string, userId: string) => `${prefix}:feed:${userId}:version`;

export async function feedValidators(
  redis: Redis,
  prefix: string,
  userId: string,
  body: string,
  now: Date,
): Promise<FeedValidators> {
  const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
  try {
    const key = versionKey(prefix, userId);
    const [storedEtag, storedAt] = ((await redis.get(key)) ?? '').split(' ');
    if (storedEtag === etag && storedAt) return { etag, lastModified: new Date(Number(storedAt)) };
    // HTTP dates have whole seconds; a body first served now is newer than any If-Modified-Since sent before.
    const at = Math.ceil(now.getTime() / 1000) * 1000;
    await redis.set(key, `${etag} ${at}`, 'EX', VERSION_TTL_SEC);
    return { etag, lastModified: new Date(at) };
  } catch {
    return { etag, lastModified: null };
  }
}

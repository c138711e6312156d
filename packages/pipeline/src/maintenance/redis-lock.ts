import { randomUUID } from 'node:crypto';
import { RedisScript } from '@podfleet/queue';
import type { Redis } from 'ioredis';

// Deletes the key only while it still holds our token: a run that outlived its TTL must not
// release the lock a newer holder took meanwhile.
const RELEASE = new RedisScript(
  `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`,
);

export type LockedResult<T> = { acquired: true; value: T } | { acquired: false };

/**
 * Runs `fn` only if this process takes the lock `key` (SET NX PX with a random token), so one
 * run happens across the fleet at a time. The TTL bounds how long a crashed holder blocks the
 * others; pick it longer than `fn` normally takes.
 */
export async function withRedisLock<T>(
  redis: Redis,
  key: string,
  ttlMs: number,
  fn: () => Promise<T>,
): Promise<LockedResult<T>> {
  const token = randomUUID();
  const taken = await redis.set(key, token, 'PX', ttlMs, 'NX');
  if (taken !== 'OK') return { acquired: false };
  try {
    return { acquired: true, value: await fn() };
  } finally {
    await RELEASE.run(redis, [key], [token]).catch(() => {
      // Redis went away: the TTL frees the lock.
    });
  }
}

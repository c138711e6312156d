import { createRedis } from '@podfleet/queue';
import { waitFor } from '@podfleet/test-kit';
import type { Redis } from 'ioredis';
import { withRedisLock } from './redis-lock';

describe('withRedisLock', () => {
  let redis: Redis;
  const key = () => `${process.env.QUEUE_PREFIX}:locks:test:${Math.random().toString(36).slice(2)}`;
  beforeAll(() => {
    redis = createRedis(process.env.REDIS_URL!, { role: 'client' });
  });
  afterAll(() => redis.disconnect());

  it('lets one of two concurrent callers run and frees the lock afterwards', async () => {
    const k = key();
    let running = 0;
    let maxRunning = 0;
    const body = async () => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      await waitFor(async () => (await redis.pttl(k)) > 0, { what: 'lock set' });
      running--;
      return 'done';
    };
    const results = await Promise.all([
      withRedisLock(redis, k, 10_000, body),
      withRedisLock(redis, k, 10_000, body),
    ]);
    expect(results.filter((r) => r.acquired)).toEqual([{ acquired: true, value: 'done' }]);
    expect(maxRunning).toBe(1);
    expect(await redis.exists(k)).toBe(0);
    expect(await withRedisLock(redis, k, 10_000, async () => 1)).toEqual({ acquired: true, value: 1 });
  });

  it('does not release a lock another holder took after its own expired', async () => {
    const k = key();
    const outcome = await withRedisLock(redis, k, 200, async () => {
      await waitFor(async () => (await redis.exists(k)) === 0, { what: 'the lock to expire' });
      await redis.set(k, 'next-holder', 'PX', 10_000);
    });
    expect(outcome.acquired).toBe(true);
    expect(await redis.get(k)).toBe('next-holder');
    await redis.del(k);
  });

  it('releases the lock when the body throws', async () => {
    const k = key();
    await expect(
      withRedisLock(redis, k, 10_000, async () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await redis.exists(k)).toBe(0);
  });
});

import { createRedis } from '@podfleet/queue';
import type { Redis } from 'ioredis';
import { feedValidators } from './feed-version';

const PREFIX = `${process.env.QUEUE_PREFIX as string}-feed-version`;
let redis: Redis;
beforeAll(() => {
  redis = createRedis(process.env.REDIS_URL as string, { role: 'client', name: 'feed-version-test' });
});
afterAll(() => redis.disconnect());

describe('feedValidators', () => {
  it('keeps Last-Modified while the body stays the same and moves it to now when the body changes', async () => {
    const t0 = new Date('2026-11-26T10:00:00.400Z');
    const first = await feedValidators(redis, PREFIX, 'user-a', '<rss>1</rss>', t0);
    expect(first.etag).toMatch(/^"[\w-]{27}"$/);
    expect(first.lastModified?.toISOString()).toBe('2026-11-26T10:00:01.000Z');

    const later = new Date('2026-11-26T11:00:00Z');
    expect(await feedValidators(redis, PREFIX, 'user-a', '<rss>1</rss>', later)).toEqual(first);

    const changed = await feedValidators(redis, PREFIX, 'user-a', '<rss>2</rss>', later);
    expect(changed.etag).not.toBe(first.etag);
    expect(changed.lastModified).toEqual(later);
    // Back to the first body: it is a change too, so a client holding the second one refetches.
    const reverted = await feedValidators(
      redis,
      PREFIX,
      'user-a',
      '<rss>1</rss>',
      new Date('2026-11-26T12:00:00Z'),
    );
    expect(reverted.etag).toBe(first.etag);
    expect(reverted.lastModified?.toISOString()).toBe('2026-11-26T12:00:00.000Z');
  });

  it('keeps each user apart, and answers with the ETag alone when Redis cannot be asked', async () => {
    const now = new Date('2026-11-26T10:00:00Z');
    await feedValidators(redis, PREFIX, 'user-b', '<rss>b</rss>', now);
    const other = await feedValidators(
      redis,
      PREFIX,
      'user-c',
      '<rss>b</rss>',
      new Date('2026-11-27T10:00:00Z'),
    );
    expect(other.lastModified?.toISOString()).toBe('2026-11-27T10:00:00.000Z');

    const down = createRedis('redis://127.0.0.1:1', { role: 'producer', name: 'feed-version-down' });
    down.on('error', () => {});
    try {
      const answer = await feedValidators(down, PREFIX, 'user-b', '<rss>b</rss>', now);
      expect(answer).toEqual({ etag: other.etag, lastModified: null });
    } finally {
      down.disconnect();
    }
  });
});

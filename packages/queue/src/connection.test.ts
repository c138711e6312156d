import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { captureLogger, deleteKeys, REDIS_URL, testPrefix } from '../test/support';
import {
  addJob,
  checkNoEviction,
  closeQueues,
  createQueues,
  createRedis,
  deleteKeysWithPrefix,
  RedisUnavailableError,
} from './connection';

describe('createRedis', () => {
  it('gives workers connections that wait out outages and producers ones that fail fast', () => {
    const worker = createRedis(REDIS_URL, { role: 'worker', name: 'test' });
    const producer = createRedis(REDIS_URL, { role: 'producer', name: 'test' });
    try {
      expect(worker.options.maxRetriesPerRequest).toBeNull();
      expect(worker.options.connectionName).toBe('podfleet:test:worker');
      expect(producer.options.enableOfflineQueue).toBe(false);
      expect(producer.options.maxRetriesPerRequest).toBe(1);
    } finally {
      worker.disconnect();
      producer.disconnect();
    }
  });

  it('adds a validated job through a producer connection, under the prefix', async () => {
    const prefix = testPrefix('conn');
    const connection = createRedis(REDIS_URL, { role: 'producer', name: 'test' });
    const queues = createQueues(connection, prefix);
    try {
      await queues.maintenance.waitUntilReady();
      const job = await addJob(queues, 'maintenance', { task: 'sweep' });
      expect(job.opts.attempts).toBe(1);
      expect(await connection.exists(`${prefix}:maintenance:${job.id}`)).toBe(1);
      await expect(addJob(queues, 'maintenance', { task: 'nope' } as never)).rejects.toThrow(/task/);
    } finally {
      await deleteKeys(connection, prefix);
      await closeQueues(queues);
      await connection.quit();
    }
  });

  it('answers at once instead of hanging when Redis is not reachable', async () => {
    // Port 1 on loopback: nothing listens, the connection is refused and keeps reconnecting.
    const connection = createRedis('redis://127.0.0.1:1', { role: 'producer', name: 'test' });
    connection.on('error', () => {});
    const queues = createQueues(connection, testPrefix('down'));
    for (const q of Object.values(queues)) q.on('error', () => {});
    try {
      const started = Date.now();
      await expect(addJob(queues, 'maintenance', { task: 'sweep' })).rejects.toBeInstanceOf(
        RedisUnavailableError,
      );
      expect(Date.now() - started).toBeLessThan(500);
    } finally {
      connection.disconnect();
      await closeQueues(queues).catch(() => {});
    }
  });
});

describe('checkNoEviction', () => {
  let admin: Redis;
  beforeAll(() => {
    admin = createRedis(REDIS_URL, { role: 'client', name: 'test-admin' });
  });
  afterAll(async () => {
    await admin.quit();
  });

  it('returns the policy and stays quiet when it is noeviction', async () => {
    const original = ((await admin.call('CONFIG', 'GET', 'maxmemory-policy')) as string[])[1];
    const { logger, lines } = captureLogger();
    await admin.call('CONFIG', 'SET', 'maxmemory-policy', 'noeviction');
    try {
      expect(await checkNoEviction(admin, logger)).toBe('noeviction');
      expect(lines.filter((l) => l.level === 40)).toEqual([]);
    } finally {
      await admin.call('CONFIG', 'SET', 'maxmemory-policy', original!);
    }
  });

  it('warns loudly when Redis may evict queue keys', async () => {
    const original = ((await admin.call('CONFIG', 'GET', 'maxmemory-policy')) as string[])[1];
    const { logger, lines } = captureLogger();
    await admin.call('CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lru');
    try {
      expect(await checkNoEviction(admin, logger)).toBe('allkeys-lru');
    } finally {
      await admin.call('CONFIG', 'SET', 'maxmemory-policy', original!);
    }
    expect(((await admin.call('CONFIG', 'GET', 'maxmemory-policy')) as string[])[1]).toBe(original);
    const warning = lines.find((l) => l.level === 40);
    expect(warning).toMatchObject({ maxmemoryPolicy: 'allkeys-lru' });
    expect(String(warning!.msg)).toMatch(/allkeys-lru.*noeviction.*LOSE JOBS/);
  });

  it('tolerates a server that refuses CONFIG, as managed Redis does', async () => {
    // A real ACL user without the CONFIG command stands in for a managed Redis.
    const user = `pftest-noconfig-${randomBytes(3).toString('hex')}`;
    const password = randomBytes(12).toString('hex');
    await admin.call('ACL', 'SETUSER', user, 'on', `>${password}`, '~*', '&*', '+@all', '-config');
    const url = new URL(REDIS_URL);
    url.username = user;
    url.password = password;
    const limited = createRedis(url.toString(), { role: 'client', name: 'test-limited' });
    const { logger, lines } = captureLogger();
    try {
      expect(await limited.ping()).toBe('PONG');
      expect(await checkNoEviction(limited, logger)).toBeNull();
      const warning = lines.find((l) => l.level === 40);
      expect(String(warning?.msg)).toMatch(/could not read Redis maxmemory-policy/);
      expect(String(warning?.err)).toMatch(/NOPERM/);
    } finally {
      limited.disconnect();
      await admin.call('ACL', 'DELUSER', user);
    }
  });
});

describe('deleteKeysWithPrefix', () => {
  it('deletes exactly the keys under the prefix and refuses an empty prefix', async () => {
    const redis = createRedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { role: 'client' });
    const prefix = `${process.env.QUEUE_PREFIX ?? 'pftest'}-del-${Date.now()}`;
    try {
      await Promise.all(Array.from({ length: 1500 }, (_, i) => redis.set(`${prefix}:k${i}`, '1')));
      await redis.set(`${prefix}x-neighbour`, 'kept');
      expect(await deleteKeysWithPrefix(redis, `${prefix}:`)).toBe(1500);
      expect(await redis.get(`${prefix}x-neighbour`)).toBe('kept');
      await expect(deleteKeysWithPrefix(redis, '')).rejects.toThrow(/empty/);
    } finally {
      await redis.del(`${prefix}x-neighbour`);
      redis.disconnect();
    }
  });
});

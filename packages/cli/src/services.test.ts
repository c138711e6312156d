import { Redis } from 'ioredis';
import {
  findExecutable,
  freePort,
  isLocalUrl,
  missingServiceMessage,
  probePostgres,
  probeRedis,
  redactUrl,
  startLocalRedis,
} from './services';

describe('service probes', () => {
  it('reach the real Redis and PostgreSQL of this run', async () => {
    expect(await probeRedis(process.env.REDIS_URL!)).toEqual({ ok: true });
    expect(await probePostgres(process.env.DATABASE_URL!)).toEqual({ ok: true });
  });

  it('report why a closed port is unreachable, quickly and without throwing', async () => {
    const port = await freePort();
    const started = Date.now();
    expect(await probeRedis(`redis://127.0.0.1:${port}`)).toEqual({ ok: false, reason: 'ECONNREFUSED' });
    expect(await probePostgres(`postgresql://postgres@127.0.0.1:${port}/x`)).toEqual({
      ok: false,
      reason: 'ECONNREFUSED',
    });
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('reports a PostgreSQL that rejects the login', async () => {
    const url = new URL(process.env.DATABASE_URL!);
    url.username = 'no_such_role_podfleet';
    const result = await probePostgres(url.toString());
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.reason).toMatch(/no_such_role_podfleet/);
  });
});

describe('missingServiceMessage', () => {
  it('says which service, where it looked, and how to start it, with the password hidden', () => {
    const message = missingServiceMessage(
      'postgres',
      'postgresql://app:hunter2@db.internal:5433/pf',
      'ECONNREFUSED',
    );
    expect(message).toContain(
      'PostgreSQL is not reachable at postgresql://app:***@db.internal:5433/pf (ECONNREFUSED)',
    );
    expect(message).toContain('apt-get install postgresql');
    expect(message).toContain('DATABASE_URL');
    expect(message).not.toContain('hunter2');
    const redis = missingServiceMessage('redis', 'redis://127.0.0.1:6390', 'ECONNREFUSED');
    expect(redis).toContain('Redis is not reachable at redis://127.0.0.1:6390 (ECONNREFUSED)');
    expect(redis).toContain('apt-get install redis-server');
    expect(redis).toContain('noeviction');
  });

  it('classifies local URLs and redacts passwords', () => {
    expect(isLocalUrl('redis://localhost:6379')).toBe(true);
    expect(isLocalUrl('redis://[::1]:6379')).toBe(true);
    expect(isLocalUrl('redis://cache.internal:6379')).toBe(false);
    expect(redactUrl('redis://:pw@127.0.0.1:6379')).toBe('redis://:***@127.0.0.1:6379');
  });
});

describe('startLocalRedis', () => {
  it('starts a throwaway redis-server with noeviction and stops it', async () => {
    const redisServer = findExecutable('redis-server');
    expect(redisServer).toBeDefined();
    const service = await startLocalRedis(redisServer!);
    const client = new Redis(service.url);
    try {
      expect(await client.config('GET', 'maxmemory-policy')).toEqual(['maxmemory-policy', 'noeviction']);
    } finally {
      client.disconnect();
      await service.stop();
    }
    expect(await probeRedis(service.url, 500)).toEqual({ ok: false, reason: 'ECONNREFUSED' });
  });
});

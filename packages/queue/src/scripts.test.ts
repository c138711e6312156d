import { randomBytes } from 'node:crypto';
import { createRedis } from './connection';
import { RedisScript } from './scripts';

const redis = createRedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { role: 'client' });
afterAll(() => redis.quit());

describe('RedisScript', () => {
  it('runs a script Redis does not know yet (EVAL), then by its SHA1 alone', async () => {
    // A text of its own, so no other run has loaded it.
    const script = new RedisScript(`-- ${randomBytes(8).toString('hex')}\nreturn {KEYS[1], ARGV[1]}`);
    const known = () => redis.script('EXISTS', script.sha) as Promise<number[]>;
    expect(await known()).toEqual([0]);
    expect(await script.run(redis, ['k'], [7])).toEqual(['k', '7']);
    expect(await known()).toEqual([1]);
    expect(await script.run(redis, ['k2'], ['x'])).toEqual(['k2', 'x']);
  });

  it('passes Redis errors of the script itself through', async () => {
    const script = new RedisScript(`-- ${randomBytes(8).toString('hex')}\nreturn redis.call('INCR')`);
    await expect(script.run(redis, [])).rejects.toThrow(/wrong number of args/i);
  });
});

import { randomUUID } from 'node:crypto';
import { RedisScript } from '@podfleet/queue';
import type { Redis } from 'ioredis';
import { sleep } from './sleep';

/**
 * A distributed semaphore in Redis capping concurrent requests to a paid API across every audio
 * worker (ElevenLabs answers 429 past the plan's concurrency), plus a shared "pause until" key so
 * one worker's 429 + Retry-After makes the whole fleet back off.
 *
 * Leases are members of a ZSET scored by their expiry (Redis server time, so worker clocks do not
 * matter); a holder renews its lease while it works, and a crashed worker's slot frees itself
 * when the lease expires. Waiters poll with jitter; the scripts go by EVALSHA, so a poll sends
 * their hash, not their text.
 */

// KEYS: leases, pause. ARGV: limit, leaseMs, leaseId. Returns 0 (acquired), -1 (full) or ms paused.
const ACQUIRE = new RedisScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local paused = redis.call('PTTL', KEYS[2])
if paused > 0 then return paused end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[1]) then return -1 end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[3])
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2]))
return 0
`);

// KEYS: leases. ARGV: leaseMs, leaseId. Extends a lease that still exists.
const RENEW = new RedisScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
if not redis.call('ZSCORE', KEYS[1], ARGV[2]) then return 0 end
redis.call('ZADD', KEYS[1], 'XX', now + tonumber(ARGV[1]), ARGV[2])
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[1]))
return 1
`);

// KEYS: pause. ARGV: ms. Only lengthens an existing pause.
const PAUSE = new RedisScript(`
if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[1]) then
  redis.call('SET', KEYS[1], '1', 'PX', ARGV[1])
end
return 1
`);

// KEYS: leases. Live leases.
const COUNT = new RedisScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
return redis.call('ZCOUNT', KEYS[1], '(' .. now, '+inf')
`);

export interface FleetLimiterOptions {
  redis: Redis;
  /** e.g. `${QUEUE_PREFIX}:tts:elevenlabs`; every worker sharing a plan uses the same prefix. */
  keyPrefix: string;
  /** Concurrent requests allowed fleet-wide (the plan's concurrency). */
  limit: number;
  /** A lease not renewed for this long is given up (crashed worker); default 30 s, renewed every third. */
  leaseMs?: number;
  /** Mean wait between attempts while the fleet is full; default 50 ms (±50 % jitter). */
  pollMs?: number;
}

export interface FleetLease {
  readonly id: string;
  release(): Promise<void>;
}

export interface FleetLimiter {
  readonly limit: number;
  /** Waits for a free slot (and for any fleet-wide pause to end); rejects with the signal's reason. */
  acquire(signal?: AbortSignal): Promise<FleetLease>;
  /** Runs `fn` holding a slot. */
  run<T>(fn: () => Promise<T>, signal?: AbortSignal): Promise<T>;
  /** Makes every worker's `acquire` wait `ms` (e.g. a 429's Retry-After); never shortens a pause. */
  pauseFor(ms: number): Promise<void>;
  /** Milliseconds the fleet-wide pause still lasts (0 when none). */
  pausedForMs(): Promise<number>;
  /** Leases currently held across the fleet. */
  inFlight(): Promise<number>;
}

export function createFleetLimiter(options: FleetLimiterOptions): FleetLimiter {
  const { redis, keyPrefix, limit } = options;
  if (!Number.isInteger(limit) || limit < 1)
    throw new Error(`fleet limit must be a positive integer, got ${limit}`);
  const leaseMs = options.leaseMs ?? 30_000;
  const pollMs = options.pollMs ?? 50;
  const leasesKey = `${keyPrefix}:leases`;
  const pauseKey = `${keyPrefix}:pause`;

  async function acquire(signal?: AbortSignal): Promise<FleetLease> {
    const id = randomUUID();
    for (;;) {
      signal?.throwIfAborted();
      const answer = Number(await ACQUIRE.run(redis, [leasesKey, pauseKey], [limit, leaseMs, id]));
      if (answer === 0) break;
      const wait = answer > 0 ? answer + Math.random() * pollMs : pollMs * (0.5 + Math.random());
      await sleep(wait, signal);
    }
    const renewal = setInterval(() => {
      RENEW.run(redis, [leasesKey], [leaseMs, id]).catch(() => {}); // next tick or expiry settles it
    }, leaseMs / 3);
    renewal.unref();
    let released = false;
    return {
      id,
      async release() {
        if (released) return;
        released = true;
        clearInterval(renewal);
        await redis.zrem(leasesKey, id);
      },
    };
  }

  return {
    limit,
    acquire,
    async run(fn, signal) {
      const lease = await acquire(signal);
      try {
        return await fn();
      } finally {
        await lease.release();
      }
    },
    async pauseFor(ms) {
      if (ms > 0) await PAUSE.run(redis, [pauseKey], [Math.ceil(ms)]);
    },
    async pausedForMs() {
      return Math.max(0, await redis.pttl(pauseKey));
    },
    async inFlight() {
      return Number(await COUNT.run(redis, [leasesKey]));
    },
  };
}

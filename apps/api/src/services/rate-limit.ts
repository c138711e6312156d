import { RedisScript } from '@podfleet/queue';
import type { Response } from 'express';
import type { Redis } from 'ioredis';
import { HttpProblem } from '../http/problem';

export interface RateLimitResult {
  allowed: boolean;
  /** Requests counted in the current window, this one included. */
  count: number;
  limit: number;
  /** Seconds until the window resets (for Retry-After). */
  resetSec: number;
}

// INCR and set the window's expiry in one round trip; atomic, so concurrent replicas share one count.
const FIXED_WINDOW = new RedisScript(`
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
return {count, ttl}
`);

/**
 * A fixed-window counter per subject in Redis, shared by every API replica. Fixed windows allow
 * up to 2× the limit across a window boundary; for a per-minute request quota that is acceptable
 * and it costs one EVALSHA per request.
 */
export class RateLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly windowMs = 60_000,
  ) {}

  async hit(
    subject: string,
    limit: number,
    now = Date.now(),
    windowMs = this.windowMs,
  ): Promise<RateLimitResult> {
    const window = Math.floor(now / windowMs);
    const key = `${this.prefix}:ratelimit:${subject}:${window}`;
    const [count, ttlMs] = (await FIXED_WINDOW.run(this.redis, [key], [windowMs])) as [number, number];
    return { allowed: count <= limit, count, limit, resetSec: Math.max(1, Math.ceil(ttlMs / 1000)) };
  }

  /** Hits counted in the subject's current window, without counting one (no key: 0). */
  async peek(subject: string, now = Date.now(), windowMs = this.windowMs): Promise<number> {
    const count = await this.redis.get(`${this.prefix}:ratelimit:${subject}:${Math.floor(now / windowMs)}`);
    return count === null ? 0 : Number(count);
  }
}

/** RateLimit headers on every answer; past the limit a 429 `rate-limited` (with Retry-After) saying `what` is limited. */
export function enforceRateLimit(res: Response, quota: RateLimitResult, what: string): void {
  res.setHeader('RateLimit-Limit', String(quota.limit));
  res.setHeader('RateLimit-Remaining', String(Math.max(0, quota.limit - quota.count)));
  res.setHeader('RateLimit-Reset', String(quota.resetSec));
  if (quota.allowed) return;
  throw new HttpProblem(429, {
    type: 'rate-limited',
    detail: `at most ${quota.limit} ${what} per minute; try again in ${quota.resetSec} s`,
    headers: { 'Retry-After': String(quota.resetSec) },
  });
}

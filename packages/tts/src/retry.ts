import { z } from 'zod';
import type { FleetLimiter } from './fleet-limiter';

// One inline retry for every provider client (the transcription client in @podfleet/providers too).
export { type InlineRetry, retryInPlace } from '@podfleet/providers';

/** The options of every engine that calls an HTTP API, spread into its options schema. */
export const httpEngineOptionFields = {
  /** Per request (headers and body). */
  timeoutMs: z.number().int().positive().default(60_000),
  /** Attempts per request for retryable failures (429, 5xx, network); later failures go to the queue's retries. */
  maxAttempts: z.number().int().min(1).max(10).default(3),
  /** How long a 429 without Retry-After pauses the fleet (one with it pauses as long as it says). */
  rateLimitPauseMs: z.number().int().min(0).default(2_000),
  /** Longest Retry-After waited in place; a longer one is thrown at once so the job backs off instead. */
  maxInlineWaitMs: z.number().int().min(0).default(10_000),
};

/** What an engine over an HTTP API takes besides its options schema. */
export interface FleetLimitedOptions {
  /** Caps concurrent requests across the fleet; a 429 pauses every worker through it. */
  limiter?: FleetLimiter;
}

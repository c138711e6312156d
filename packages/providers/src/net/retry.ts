import { setTimeout as delay } from 'node:timers/promises';
import { ProviderError } from '../types';

export interface InlineRetry {
  /** Attempts in all; later failures go to the queue's retries. */
  maxAttempts: number;
  /** Longest wait (Retry-After or backoff) spent in place; a longer one is thrown so the job backs off. */
  maxInlineWaitMs: number;
}

/**
 * Runs `attempt` again after a retryable ProviderError while attempts remain and the wait (the
 * server's Retry-After, else 0.5 s × 2ⁿ with jitter, at most 8 s) is short. An abort during the
 * wait rejects with the signal's reason.
 */
export async function retryInPlace<T>(
  attempt: () => Promise<T>,
  { maxAttempts, maxInlineWaitMs }: InlineRetry,
  signal?: AbortSignal,
): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (err) {
      if (!(err instanceof ProviderError) || !err.retryable || n >= maxAttempts) throw err;
      const wait = err.retryAfterMs ?? Math.min(8_000, 500 * 2 ** (n - 1)) * (0.5 + Math.random() / 2);
      if (wait > maxInlineWaitMs) throw err;
      await delay(wait, undefined, { signal }).catch(() => {
        throw signal?.reason ?? err;
      });
    }
  }
}

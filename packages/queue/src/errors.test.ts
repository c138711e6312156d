import type { MinimalJob } from 'bullmq';
import { UnrecoverableError } from 'bullmq';
import {
  formatFailedReason,
  MAX_RETRY_AFTER_MS,
  parseFailedReason,
  RetryableJobError,
  retryAfterBackoff,
  toBullMQError,
  toJobError,
  withJobErrors,
} from './errors';

/** Same shape as ProviderError in packages/providers (not imported: queue must not depend on it). */
class FakeProviderError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly retryable: boolean,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'ProviderError';
  }
}

describe('toJobError', () => {
  it('keeps code, retryable and retryAfterMs of provider-style errors', () => {
    expect(toJobError(new FakeProviderError('RATE_LIMITED', 'slow down', true, 1500))).toEqual({
      code: 'RATE_LIMITED',
      message: 'slow down',
      retryable: true,
      retryAfterMs: 1500,
    });
    expect(toJobError(new FakeProviderError('SOURCE_FORBIDDEN', '403 from host', false))).toEqual({
      code: 'SOURCE_FORBIDDEN',
      message: '403 from host',
      retryable: false,
    });
  });

  it('treats unknown errors as retryable INTERNAL ones and keeps system error codes', () => {
    expect(toJobError(new Error('boom'))).toEqual({ code: 'INTERNAL', message: 'boom', retryable: true });
    expect(toJobError('a string')).toEqual({ code: 'INTERNAL', message: 'a string', retryable: true });
    const sys = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    expect(toJobError(sys)).toMatchObject({ code: 'ECONNREFUSED', retryable: true });
  });

  it('reads the code back from an UnrecoverableError message and never retries it', () => {
    expect(toJobError(new UnrecoverableError('[SCRIPT_INVALID] bad json'))).toEqual({
      code: 'SCRIPT_INVALID',
      message: 'bad json',
      retryable: false,
    });
  });

  it('caps Retry-After and ignores nonsense values', () => {
    expect(toJobError(new FakeProviderError('RATE_LIMITED', 'x', true, 3_600_000)).retryAfterMs).toBe(
      MAX_RETRY_AFTER_MS,
    );
    expect(toJobError(new FakeProviderError('RATE_LIMITED', 'x', true, -5)).retryAfterMs).toBeUndefined();
    expect(toJobError({ code: 'X', retryAfterMs: Number.NaN, message: 'm' }).retryAfterMs).toBeUndefined();
  });
});

describe('failed reasons', () => {
  it('round-trips code and message', () => {
    const reason = formatFailedReason({ code: 'TTS_FAILED', message: 'voice missing\nline 2' });
    expect(reason).toBe('[TTS_FAILED] voice missing\nline 2');
    expect(parseFailedReason(reason)).toEqual({ code: 'TTS_FAILED', message: 'voice missing\nline 2' });
  });

  it('recognises BullMQ parent failures and plain messages', () => {
    expect(parseFailedReason('child pf:audio:j.1.audio failed')).toEqual({
      code: 'CHILD_FAILED',
      message: 'child pf:audio:j.1.audio failed',
    });
    expect(parseFailedReason('something odd')).toEqual({ code: 'INTERNAL', message: 'something odd' });
    expect(parseFailedReason(undefined)).toEqual({ code: 'INTERNAL', message: '' });
  });
});

describe('toBullMQError', () => {
  it('makes non-retryable errors unrecoverable with the code in the message', () => {
    const err = toBullMQError(new FakeProviderError('SOURCE_INVALID', 'no such bill', false));
    expect(err).toBeInstanceOf(UnrecoverableError);
    expect(err.message).toBe('[SOURCE_INVALID] no such bill');
  });

  it('keeps retryable errors retryable, with Retry-After, without doubling the code', () => {
    const err = toBullMQError(new FakeProviderError('RATE_LIMITED', '429', true, 2000));
    expect(err).toBeInstanceOf(RetryableJobError);
    expect(err.message).toBe('[RATE_LIMITED] 429');
    expect((err as RetryableJobError).retryAfterMs).toBe(2000);
    expect(toBullMQError(err).message).toBe('[RATE_LIMITED] 429');
  });

  it('withJobErrors maps what the function throws', async () => {
    await expect(withJobErrors(async () => 7)).resolves.toBe(7);
    await expect(
      withJobErrors(async () => {
        throw new FakeProviderError('TIMEOUT', 'slow', false);
      }),
    ).rejects.toThrow(UnrecoverableError);
  });
});

describe('retryAfterBackoff', () => {
  const job = {
    opts: { backoff: { type: 'exponential-retry-after', delay: 1000 } },
  } as unknown as MinimalJob;

  it('is exponential in the attempt number', async () => {
    expect(await retryAfterBackoff(1, 'x', new Error('e'), job)).toBe(1000);
    expect(await retryAfterBackoff(2, 'x', new Error('e'), job)).toBe(2000);
    expect(await retryAfterBackoff(3, 'x', new Error('e'), job)).toBe(4000);
  });

  it('waits at least the Retry-After the error carries', async () => {
    const err = new RetryableJobError('RATE_LIMITED', '429', 30_000);
    expect(await retryAfterBackoff(1, 'x', err, job)).toBe(30_000);
    const short = new RetryableJobError('RATE_LIMITED', '429', 10);
    expect(await retryAfterBackoff(2, 'x', short, job)).toBe(2000);
  });
});

import { type BackoffStrategy, UnrecoverableError } from 'bullmq';

/**
 * How a failure is treated. Processors throw whatever they like; anything carrying `code`,
 * `retryable` and `retryAfterMs` (ProviderError from @podfleet/providers, duck-typed so this
 * package does not depend on providers) keeps them; any other error is an INTERNAL, retryable one.
 */
export interface JobError {
  code: string;
  message: string;
  retryable: boolean;
  /** Wait at least this long before the next try (a provider's Retry-After). */
  retryAfterMs?: number;
}

/** Longest Retry-After honoured; past it the provider is as good as down and attempts run out. */
export const MAX_RETRY_AFTER_MS = 10 * 60_000;

const CODE = /^[A-Z][A-Z0-9_]*$/;
const FAILED_REASON = /^\[([A-Z][A-Z0-9_]*)\] ([\s\S]*)$/;
const CHILD_FAILED = /^child (.+) failed$/;

function prop(value: object, key: string): unknown {
  return (value as Record<string, unknown>)[key];
}

export function toJobError(err: unknown): JobError {
  if (typeof err !== 'object' || err === null) {
    return { code: 'INTERNAL', message: String(err), retryable: true };
  }
  const rawMessage = prop(err, 'message');
  // Errors that went through toBullMQError before (and BullMQ's own) carry the code in the message.
  const parsed = parseFailedReason(typeof rawMessage === 'string' ? rawMessage : String(err));
  const code = prop(err, 'code');
  const retryable = prop(err, 'retryable');
  const retryAfterMs = prop(err, 'retryAfterMs');
  const isUnrecoverable = err instanceof UnrecoverableError || prop(err, 'name') === 'UnrecoverableError';
  const result: JobError = {
    code: typeof code === 'string' && CODE.test(code) ? code : parsed.code,
    message: parsed.message,
    retryable: isUnrecoverable ? false : typeof retryable === 'boolean' ? retryable : true,
  };
  if (typeof retryAfterMs === 'number' && Number.isFinite(retryAfterMs) && retryAfterMs > 0) {
    result.retryAfterMs = Math.min(Math.round(retryAfterMs), MAX_RETRY_AFTER_MS);
  }
  return result;
}

/** BullMQ stores only an error's message as `failedReason`; ours read `[CODE] message`. */
export function formatFailedReason({ code, message }: Pick<JobError, 'code' | 'message'>): string {
  return `[${code}] ${message}`;
}

/**
 * Reads a BullMQ `failedReason` back into code and message. A parent failed because a child
 * did (failParentOnFailure) reads `child <key> failed`: code CHILD_FAILED.
 */
export function parseFailedReason(reason: string | undefined | null): { code: string; message: string } {
  const text = reason ?? '';
  const coded = FAILED_REASON.exec(text);
  if (coded) return { code: coded[1]!, message: coded[2]! };
  if (CHILD_FAILED.test(text)) return { code: 'CHILD_FAILED', message: text };
  return { code: 'INTERNAL', message: text };
}

/** A retryable failure on its way to BullMQ: counted as an attempt, retried after backoff. */
export class RetryableJobError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly retryAfterMs?: number,
    options?: { cause?: unknown },
  ) {
    super(formatFailedReason({ code, message }), options);
    this.name = 'RetryableJobError';
  }
}

/**
 * What a processor should throw to BullMQ for `err`: an UnrecoverableError (fails at once, no
 * more attempts) when it is not retryable, a RetryableJobError otherwise. Both keep the code in
 * the message, so `failedReason` reads back with parseFailedReason.
 */
export function toBullMQError(err: unknown): Error {
  const e = toJobError(err);
  const reason = formatFailedReason(e);
  if (!e.retryable) {
    const unrecoverable = new UnrecoverableError(reason);
    if (err instanceof Error) unrecoverable.cause = err;
    return unrecoverable;
  }
  return new RetryableJobError(e.code, e.message, e.retryAfterMs, { cause: err });
}

/** Runs `fn`, rethrowing failures as toBullMQError does. For processors not run by startWorkers. */
export async function withJobErrors<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw toBullMQError(err);
  }
}

/**
 * The backoff strategy registered by every worker for the catalog's RETRY_AFTER_BACKOFF type:
 * exponential (delay·2^(attempt-1)), but never sooner than the error's Retry-After.
 */
export const retryAfterBackoff: BackoffStrategy = (attemptsMade, _type, err, job) => {
  const backoff = job?.opts.backoff;
  const base = typeof backoff === 'object' && typeof backoff.delay === 'number' ? backoff.delay : 1_000;
  const exponential = Math.round(base * 2 ** Math.max(0, attemptsMade - 1));
  const retryAfter = err ? toJobError(err).retryAfterMs : undefined;
  return Math.max(exponential, retryAfter ?? 0);
};

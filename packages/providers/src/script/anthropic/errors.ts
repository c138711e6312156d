import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
} from '@anthropic-ai/sdk';
import { ProviderError } from '../../types';

/** `retry-after-ms` (Anthropic) or `retry-after` (seconds or an HTTP date), in milliseconds. */
export function retryAfterMs(headers: Headers | undefined): number | undefined {
  const ms = Number.parseFloat(headers?.get('retry-after-ms') ?? '');
  if (Number.isFinite(ms) && ms >= 0) return Math.ceil(ms);
  const value = headers?.get('retry-after');
  if (!value) return undefined;
  const seconds = Number.parseFloat(value);
  if (Number.isFinite(seconds)) return seconds >= 0 ? Math.ceil(seconds * 1000) : undefined;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/**
 * Maps SDK errors to ProviderError. Retryable: rate limits, overload (529), 5xx, 408/409, network and
 * timeouts. Not retryable: auth, bad request, spend limit reached, anything else 4xx. The server's
 * `x-should-retry` header, when present, overrides the status-based choice.
 */
export function toProviderError(err: unknown): ProviderError | unknown {
  if (err instanceof ProviderError || err instanceof APIUserAbortError) return err;
  if (err instanceof APIConnectionTimeoutError) {
    return new ProviderError('TIMEOUT', 'anthropic: request timed out', true, undefined, { cause: err });
  }
  if (err instanceof APIConnectionError) {
    return new ProviderError(
      'SCRIPT_FAILED',
      `anthropic: connection failed (${err.message})`,
      true,
      undefined,
      {
        cause: err,
      },
    );
  }
  if (!(err instanceof APIError) || err.status === undefined) {
    // A body cut off mid-way (invalid JSON, a reset while reading) is the network's fault: retry.
    const truncated =
      err instanceof SyntaxError || /terminated|ECONNRESET|socket hang up|premature close/i.test(String(err));
    return new ProviderError('SCRIPT_FAILED', `anthropic: ${String(err)}`, truncated, undefined, {
      cause: err,
    });
  }
  const status = err.status;
  const detail = `anthropic: ${status} ${err.type ?? 'error'}${err.apiMessage ? `: ${err.apiMessage}` : ''}`;
  const after = retryAfterMs(err.headers);
  if (status === 429 && err.errorCode === 'enforced_spend_limit_reached') {
    return new ProviderError('SCRIPT_FAILED', `${detail} (spend limit reached)`, false, undefined, {
      cause: err,
    });
  }
  const hint = err.headers?.get('x-should-retry');
  const retryable =
    hint === 'true' ||
    (hint !== 'false' && (status === 429 || status === 408 || status === 409 || status >= 500));
  const code = status === 429 ? 'RATE_LIMITED' : 'SCRIPT_FAILED';
  return new ProviderError(code, detail, retryable, retryable ? after : undefined, { cause: err });
}

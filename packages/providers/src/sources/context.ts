import type { SafeFetchOptions } from '../net/safe-fetch';
import type { GuardOptions } from '../net/ssrf';

/** How user-supplied URLs (pages, feeds, linked articles) are fetched. */
export interface SourceFetchOptions extends GuardOptions {
  /** Per request, redirects and body included; default 15 s. */
  timeoutMs?: number;
  /** Per response; default 5 MiB. */
  maxBytes?: number;
}

export interface CongressOptions {
  /** CONGRESS_API_KEY; without it congress sources fail (not retryable). */
  apiKey?: string;
  /** CONGRESS_BASE_URL, e.g. `https://api.congress.gov/v3`. Operator-configured, so not SSRF-guarded. */
  baseUrl: string;
  timeoutMs?: number;
}

/** pino-compatible. */
export interface SourceLogger {
  warn(fields: Record<string, unknown>, message: string): void;
}

export interface SourceContext {
  fetch?: SourceFetchOptions;
  congress: CongressOptions;
  /** Clock for ordering feed items (future-dated items count as "now"). */
  now?: () => Date;
  log?: SourceLogger;
  /** Cancels every request in flight (e.g. the job was cancelled). */
  signal?: AbortSignal;
}

export function guardedFetchOptions(ctx: SourceContext): SafeFetchOptions {
  return { ...ctx.fetch, ...(ctx.signal ? { signal: ctx.signal } : {}) };
}

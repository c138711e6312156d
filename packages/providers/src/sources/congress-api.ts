import { z } from 'zod';
import { parseRetryAfter } from '../net/retry-after';
import { redact, trustedFetch } from '../net/safe-fetch';
import { ProviderError } from '../types';
import type { CongressOptions } from './context';

/** Congress.gov API v3 client (shapes in /work/shared/PROVIDERS.md). Responses validated with zod. */

const latestActionSchema = z.object({ actionDate: z.string().optional(), text: z.string().optional() });

export const billListSchema = z.object({
  bills: z
    .array(
      z.object({
        congress: z.number().int(),
        type: z.string().min(1),
        number: z.union([z.string(), z.number()]).transform(String),
      }),
    )
    .default([]),
  pagination: z.object({ next: z.string().optional() }).optional(),
});
export type BillList = z.infer<typeof billListSchema>;

export const billDetailSchema = z.object({
  bill: z.object({
    congress: z.number().int(),
    type: z.string().min(1),
    number: z.union([z.string(), z.number()]).transform(String),
    title: z.string().min(1),
    introducedDate: z.string().optional(),
    originChamber: z.string().optional(),
    updateDate: z.string().optional(),
    sponsors: z.array(z.object({ fullName: z.string().optional() })).optional(),
    latestAction: latestActionSchema.optional(),
    policyArea: z.object({ name: z.string().optional() }).nullish(),
    laws: z.array(z.object({ type: z.string().optional(), number: z.string().optional() })).optional(),
  }),
});
export type BillDetail = z.infer<typeof billDetailSchema>['bill'];

export const summariesSchema = z.object({
  summaries: z
    .array(
      z.object({
        actionDate: z.string().optional(),
        actionDesc: z.string().optional(),
        updateDate: z.string().optional(),
        text: z.string(),
      }),
    )
    .default([]),
});
export type BillSummary = z.infer<typeof summariesSchema>['summaries'][number];

const errorBodySchema = z.object({
  error: z.object({ code: z.string().optional(), message: z.string().optional() }),
});

export class CongressApi {
  private readonly base: URL;

  constructor(
    private readonly opts: CongressOptions,
    private readonly signal?: AbortSignal,
  ) {
    if (!opts.apiKey) {
      throw new ProviderError(
        'SOURCE_UNREACHABLE',
        'Congress.gov API key is not configured (CONGRESS_API_KEY)',
        false,
      );
    }
    this.base = new URL(opts.baseUrl.endsWith('/') ? opts.baseUrl : `${opts.baseUrl}/`);
  }

  /** A URL under the configured base, e.g. `bill/118/hr/815`. */
  url(path: string): URL {
    return new URL(path.replace(/^\//, ''), this.base);
  }

  /**
   * `pagination.next` as a URL we may follow: it must stay on the configured origin, since the
   * api_key is added to it again (the API leaves it out).
   */
  nextPage(next: string): URL {
    const url = new URL(next, this.base);
    if (url.origin !== this.base.origin) {
      throw new ProviderError(
        'SOURCE_INVALID',
        `Congress.gov pagination left ${this.base.origin}: ${redact(url)}`,
        false,
      );
    }
    return url;
  }

  async get<S extends z.ZodType>(url: URL, schema: S): Promise<z.output<S>> {
    const withKey = new URL(url);
    withKey.searchParams.set('format', 'json');
    withKey.searchParams.set('api_key', this.opts.apiKey ?? '');
    const res = await trustedFetch(withKey, {
      headers: { accept: 'application/json' },
      httpErrors: 'return',
      ...(this.opts.timeoutMs ? { timeoutMs: this.opts.timeoutMs } : {}),
      ...(this.signal ? { signal: this.signal } : {}),
    });
    if (res.status < 200 || res.status >= 300)
      throw this.statusError(res.status, res.headers, res.body, withKey);
    let json: unknown;
    try {
      json = JSON.parse(res.body.toString('utf8'));
    } catch {
      throw new ProviderError(
        'SOURCE_INVALID',
        `Congress.gov returned non-JSON for ${redact(withKey)}`,
        false,
      );
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      throw new ProviderError(
        'SOURCE_INVALID',
        `unexpected Congress.gov response for ${redact(withKey)}: ${parsed.error.message.slice(0, 300)}`,
        false,
      );
    }
    return parsed.data;
  }

  private statusError(
    status: number,
    headers: Record<string, string>,
    body: Buffer,
    url: URL,
  ): ProviderError {
    const apiError = errorBodySchema.safeParse(safeJson(body));
    const code = apiError.success ? apiError.data.error.code : undefined;
    const detail =
      [code, apiError.success ? apiError.data.error.message : undefined].filter(Boolean).join(': ') ||
      `HTTP ${status}`;
    const where = redact(url);
    if (status === 429 || code === 'OVER_RATE_LIMIT') {
      // Hourly quota; Retry-After is undocumented, so without it the queue's backoff decides.
      return new ProviderError(
        'RATE_LIMITED',
        `Congress.gov rate limit (${detail}) for ${where}`,
        true,
        parseRetryAfter(headers['retry-after']),
      );
    }
    if (code?.startsWith('API_KEY_'))
      return new ProviderError('SOURCE_UNREACHABLE', `Congress.gov rejected the API key (${detail})`, false);
    if (status === 404)
      return new ProviderError('SOURCE_UNREACHABLE', `Congress.gov has no ${where} (404)`, false);
    const retryable = status === 408 || status >= 500;
    return new ProviderError(
      'SOURCE_UNREACHABLE',
      `Congress.gov answered ${detail} for ${where}`,
      retryable,
      retryable ? parseRetryAfter(headers['retry-after']) : undefined,
    );
  }
}

function safeJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return null;
  }
}

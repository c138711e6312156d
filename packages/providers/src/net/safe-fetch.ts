import { Agent, type Dispatcher, request } from 'undici';
import { ProviderError } from '../types';
import { parseRetryAfter } from './retry-after';
import { createGuardedLookup, type GuardOptions, parseGuardedUrl, resolveAllowedAddresses } from './ssrf';

export const DEFAULT_MAX_BYTES = 5 * 1024 * 1024;
export const DEFAULT_TIMEOUT_MS = 15_000;
export const DEFAULT_MAX_REDIRECTS = 5;
const USER_AGENT = 'podfleet/0.1 (+podcast generator)';

export interface SafeFetchOptions extends GuardOptions {
  method?: 'GET' | 'POST' | 'HEAD';
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Whole exchange (every redirect hop, headers and body); default 15 s. */
  timeoutMs?: number;
  /** TCP/TLS connect per hop; default min(5 s, timeoutMs). */
  connectTimeoutMs?: number;
  /** Response body cap in bytes; default 5 MiB. A larger Content-Length is refused before reading. */
  maxBytes?: number;
  /** Redirects followed (each hop re-checked); default 5. */
  maxRedirects?: number;
  /** Media types a 2xx response may have, e.g. `['text/html', 'text/*']`; any when omitted. */
  accept?: readonly string[];
  /** `throw` (default): a non-2xx final status becomes a ProviderError; `return`: the caller inspects it. */
  httpErrors?: 'throw' | 'return';
  /** Cancels the request; its reason is rethrown as is. */
  signal?: AbortSignal;
}

export interface SafeFetchResponse {
  status: number;
  /** URL of the final hop, after redirects. */
  url: string;
  /** Lower-case names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  body: Buffer;
  /** Media type without parameters, lower-case (`text/html`), or null when the response had none. */
  contentType: string | null;
  /** `charset` parameter of Content-Type, lower-case, when given. */
  charset: string | null;
}

/** Fetches a user-supplied URL through the SSRF guard (see ssrf.ts), following redirects by hand. */
export function safeFetch(url: string | URL, opts: SafeFetchOptions = {}): Promise<SafeFetchResponse> {
  return fetchWithPolicy(url, opts, true);
}

/**
 * The same client without the address guard, for operator-configured endpoints only (e.g.
 * CONGRESS_BASE_URL): never pass a URL a user supplied. Schemes are still limited to http(s).
 */
export function trustedFetch(
  url: string | URL,
  opts: Omit<SafeFetchOptions, keyof GuardOptions> = {},
): Promise<SafeFetchResponse> {
  return fetchWithPolicy(url, opts, false);
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
/** Headers that must not follow a redirect to another origin. */
const CREDENTIAL_HEADERS = ['authorization', 'cookie', 'proxy-authorization', 'x-api-key'];

async function fetchWithPolicy(
  input: string | URL,
  opts: SafeFetchOptions,
  guarded: boolean,
): Promise<SafeFetchResponse> {
  let url = parseUrl(input, opts, guarded);
  if (opts.signal?.aborted) throw opts.signal.reason;
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  const maxRedirects = opts.maxRedirects ?? DEFAULT_MAX_REDIRECTS;

  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new Error(`timed out after ${timeoutMs} ms`));
  }, timeoutMs);
  const onCallerAbort = () => controller.abort(opts.signal?.reason);
  opts.signal?.addEventListener('abort', onCallerAbort, { once: true });

  const agent = new Agent({
    connect: {
      timeout: opts.connectTimeoutMs ?? Math.min(5_000, timeoutMs),
      ...(guarded ? { lookup: createGuardedLookup(opts) } : {}),
    },
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
  });

  try {
    let method: string = opts.method ?? 'GET';
    let body = opts.body;
    let headers: Record<string, string> = {
      'user-agent': USER_AGENT,
      'accept-encoding': 'identity', // undici does not decompress; keeps the size cap about real bytes
      ...(opts.accept ? { accept: opts.accept.join(', ') } : {}),
      ...lowerCaseKeys(opts.headers ?? {}),
    };
    for (let hop = 0; ; hop++) {
      // Refuse early with a clear error; the guarded lookup repeats the check at connect time.
      if (guarded) await resolveAllowedAddresses(url.hostname, opts);
      const res = await request(url, {
        dispatcher: agent,
        method: method as Dispatcher.HttpMethod,
        headers,
        body,
        signal: controller.signal,
      });
      const resHeaders = flattenHeaders(res.headers);

      const location = resHeaders.location;
      if (REDIRECT_STATUSES.has(res.statusCode) && location) {
        await res.body.dump();
        if (hop >= maxRedirects) {
          throw new ProviderError(
            'SOURCE_UNREACHABLE',
            `too many redirects (more than ${maxRedirects}) from ${redact(input)}`,
            false,
          );
        }
        const next = parseUrl(new URL(location, url), opts, guarded);
        if (next.origin !== url.origin) headers = withoutKeys(headers, CREDENTIAL_HEADERS);
        if (
          res.statusCode === 303 ||
          ((res.statusCode === 301 || res.statusCode === 302) && method === 'POST')
        ) {
          method = 'GET';
          body = undefined;
          headers = withoutKeys(headers, ['content-type', 'content-length']);
        }
        url = next;
        continue;
      }

      const ok = res.statusCode >= 200 && res.statusCode < 300;
      if (!ok && (opts.httpErrors ?? 'throw') === 'throw') {
        await res.body.dump();
        throw httpStatusError(res.statusCode, resHeaders, url);
      }
      const { type: contentType, charset } = parseContentType(resHeaders['content-type']);
      if (ok && opts.accept && !acceptsType(opts.accept, contentType)) {
        discard(res.body);
        throw new ProviderError(
          'SOURCE_INVALID',
          `${redact(url)} returned ${contentType ?? 'no content type'}, expected ${opts.accept.join(' or ')}`,
          false,
        );
      }
      const declared = Number(resHeaders['content-length']);
      if (Number.isFinite(declared) && declared > maxBytes) {
        discard(res.body);
        throw tooLarge(url, maxBytes);
      }
      const buffer = await readCapped(res.body, maxBytes, url);
      return {
        status: res.statusCode,
        url: url.toString(),
        headers: resHeaders,
        body: buffer,
        contentType,
        charset,
      };
    }
  } catch (err) {
    if (opts.signal?.aborted && !timedOut) throw opts.signal.reason;
    throw toProviderError(err, url, timedOut, timeoutMs);
  } finally {
    clearTimeout(timer);
    opts.signal?.removeEventListener('abort', onCallerAbort);
    await agent.destroy();
  }
}

function parseUrl(input: string | URL, opts: GuardOptions, guarded: boolean): URL {
  if (guarded) return parseGuardedUrl(input, opts);
  let url: URL;
  try {
    url = new URL(String(input));
  } catch {
    throw new ProviderError('SOURCE_INVALID', `not a valid URL: ${redact(input)}`, false);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ProviderError(
      'SOURCE_FORBIDDEN',
      `scheme ${url.protocol} is not allowed (http and https only)`,
      false,
    );
  }
  return url;
}

type ResponseBody = Dispatcher.ResponseData['body'];

/** Drops a body we will not read; undici reports destroying an unread body as an error event. */
function discard(body: ResponseBody): void {
  body.on('error', () => {});
  body.destroy();
}

async function readCapped(body: ResponseBody, maxBytes: number, url: URL): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > maxBytes) {
      discard(body);
      throw tooLarge(url, maxBytes);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, total);
}

function tooLarge(url: URL, maxBytes: number): ProviderError {
  return new ProviderError('SOURCE_INVALID', `${redact(url)} is larger than ${maxBytes} bytes`, false);
}

function httpStatusError(status: number, headers: Record<string, string>, url: URL): ProviderError {
  const retryable = status === 408 || status === 429 || status >= 500;
  const retryAfterMs = retryable ? parseRetryAfter(headers['retry-after']) : undefined;
  return new ProviderError(
    'SOURCE_UNREACHABLE',
    `${redact(url)} answered HTTP ${status}`,
    retryable,
    retryAfterMs,
  );
}

/** Certificate problems do not heal by retrying; every other network failure might. */
const PERMANENT_NETWORK_ERROR = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS_|ERR_INVALID_URL/;

function toProviderError(err: unknown, url: URL, timedOut: boolean, timeoutMs: number): ProviderError {
  const guardError = findProviderError(err);
  if (guardError) return guardError;
  if (timedOut) {
    return new ProviderError(
      'SOURCE_UNREACHABLE',
      `${redact(url)} timed out after ${timeoutMs} ms`,
      true,
      undefined,
      { cause: err },
    );
  }
  const code = (err as { code?: unknown } | null)?.code;
  const detail = typeof code === 'string' ? code : err instanceof Error ? err.message : String(err);
  const retryable = !(typeof code === 'string' && PERMANENT_NETWORK_ERROR.test(code));
  return new ProviderError(
    'SOURCE_UNREACHABLE',
    `${redact(url)} unreachable: ${detail}`,
    retryable,
    undefined,
    { cause: err },
  );
}

/** The guard's ProviderError may arrive wrapped by undici/net; find it along the cause chain. */
function findProviderError(err: unknown): ProviderError | null {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof ProviderError) return e;
  }
  return null;
}

export function parseContentType(header: string | undefined): {
  type: string | null;
  charset: string | null;
} {
  if (!header) return { type: null, charset: null };
  const [type, ...params] = header.split(';');
  const charsetParam = params.map((p) => p.trim().toLowerCase()).find((p) => p.startsWith('charset='));
  const charset = charsetParam ? charsetParam.slice('charset='.length).replace(/^"|"$/g, '') || null : null;
  return { type: type?.trim().toLowerCase() || null, charset };
}

function acceptsType(accept: readonly string[], type: string | null): boolean {
  if (!type) return false;
  return accept.some((a) => {
    const allowed = a.toLowerCase();
    return (
      allowed === type ||
      allowed === '*/*' ||
      (allowed.endsWith('/*') && type.startsWith(allowed.slice(0, -1)))
    );
  });
}

function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

function lowerCaseKeys(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
}

function withoutKeys(headers: Record<string, string>, keys: readonly string[]): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([k]) => !keys.includes(k)));
}

/** A URL for error messages: without query secrets such as api_key. */
export function redact(url: string | URL): string {
  try {
    const u = new URL(String(url));
    for (const key of [...u.searchParams.keys()]) {
      if (/key|token|secret|password|sig/i.test(key)) u.searchParams.set(key, 'REDACTED');
    }
    return u.toString();
  } catch {
    return String(url).slice(0, 200);
  }
}

import { z } from 'zod';
import { parseRetryAfter } from '../net/retry-after';
import { ProviderError } from '../types';

/**
 * What OpenAI-compatible servers have in common, for the script writer, the TTS engine and the
 * transcription client: the base URL (ending in `/v1`), the optional Bearer key, and their error
 * bodies and status codes.
 */

export const DEFAULT_OPENAI_BASE_URL = 'https://api.openai.com/v1';

/** The error code of a failure that is not a rate limit or a timeout, per client. */
type OpenAiFailCode = 'SCRIPT_FAILED' | 'TTS_FAILED' | 'ASR_FAILED';

type Headers = Record<string, string | string[] | undefined>;

const header = (headers: Headers, name: string): string | undefined => {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
};

/** `{base}/{path}` with exactly one slash between them. */
export function openAiUrl(baseUrl: string, path: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}

/** JSON request headers; the key only when one is configured (local servers need none). */
export function openAiHeaders(
  apiKey: string | undefined,
  accept = 'application/json',
): Record<string, string> {
  return {
    'content-type': 'application/json',
    accept,
    ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}),
  };
}

/** `retry-after-ms` (OpenAI sends it beside `retry-after`), else the shared Retry-After parser. */
export function openAiRetryAfterMs(headers: Headers): number | undefined {
  const ms = Number.parseFloat(header(headers, 'retry-after-ms') ?? '');
  if (Number.isFinite(ms) && ms >= 0) return Math.ceil(ms);
  return parseRetryAfter(header(headers, 'retry-after'));
}

// OpenAI, Ollama, llama.cpp: {error: {message, type, code}}; some servers {error: "text"}; vLLM
// {object: "error", message, type, code}; FastAPI servers (Kokoro-FastAPI, Speaches) {detail}.
const errorBodySchema = z.union([
  z.object({
    error: z.union([
      z.object({
        message: z.string().optional(),
        type: z.string().nullish(),
        code: z.union([z.string(), z.number()]).nullish(),
      }),
      z.string(),
    ]),
  }),
  z.object({
    message: z.string(),
    type: z.string().nullish(),
    code: z.union([z.string(), z.number()]).nullish(),
  }),
  z.object({ detail: z.unknown() }),
]);

export interface OpenAiErrorDetail {
  message: string;
  /** `error.code` or `error.type` when the server sent one, e.g. `insufficient_quota`. */
  code: string | undefined;
}

export function describeOpenAiError(body: string): OpenAiErrorDetail {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return { message: body.slice(0, 300) || '(empty body)', code: undefined };
  }
  const parsed = errorBodySchema.safeParse(json);
  if (!parsed.success) return { message: JSON.stringify(json).slice(0, 300), code: undefined };
  const data = parsed.data;
  if ('error' in data) {
    if (typeof data.error === 'string') return { message: data.error, code: undefined };
    const code = data.error.code ?? data.error.type;
    return { message: data.error.message ?? 'unknown error', code: code == null ? undefined : String(code) };
  }
  if ('detail' in data) {
    const detail = data.detail;
    return {
      message: typeof detail === 'string' ? detail : JSON.stringify(detail).slice(0, 300),
      code: undefined,
    };
  }
  const code = data.code ?? data.type;
  return { message: data.message, code: code == null ? undefined : String(code) };
}

/** Quota or billing exhausted: another attempt cannot help until someone pays. */
const BILLING_CODES = new Set(['insufficient_quota', 'billing_hard_limit_reached', 'billing_not_active']);

/**
 * Maps a non-2xx answer to a ProviderError. Retryable: 429 (unless the quota is spent), 408, 409 and
 * 5xx, carrying the server's Retry-After. Not retryable: auth, bad request, unknown model or voice.
 */
export function openAiHttpError(
  service: string,
  failCode: OpenAiFailCode,
  status: number,
  headers: Headers,
  body: string,
): ProviderError {
  const { message, code } = describeOpenAiError(body);
  const text = `${service}: ${status}${code ? ` ${code}` : ''}: ${message}`;
  if (status === 429 && code && BILLING_CODES.has(code)) return new ProviderError(failCode, text, false);
  const retryable = status === 429 || status === 408 || status === 409 || status >= 500;
  const after = retryable ? openAiRetryAfterMs(headers) : undefined;
  return new ProviderError(status === 429 ? 'RATE_LIMITED' : failCode, text, retryable, after);
}

/** A network failure, a timeout or an abort, as ProviderError (the abort reason itself is rethrown). */
export function openAiTransportError(
  service: string,
  failCode: OpenAiFailCode,
  err: unknown,
  { signal, timeout, timeoutMs }: { signal?: AbortSignal; timeout: AbortSignal; timeoutMs: number },
): unknown {
  if (err instanceof ProviderError) return err;
  if (signal?.aborted) return signal.reason;
  if (timeout.aborted) {
    return new ProviderError('TIMEOUT', `${service}: no answer in ${timeoutMs} ms`, true, undefined, {
      cause: err,
    });
  }
  return new ProviderError(failCode, `${service} unreachable: ${(err as Error).message}`, true, undefined, {
    cause: err,
  });
}

/**
 * A 200 answer's body read by `schema`. Not JSON is retryable (a body cut off on the way is the
 * network's fault: another attempt can help); JSON of another shape is not.
 */
export function parseOpenAiAnswer<T>(
  service: string,
  failCode: OpenAiFailCode,
  body: string,
  schema: z.ZodType<T>,
): T {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (err) {
    throw new ProviderError(failCode, `${service}: the answer is not JSON`, true, undefined, { cause: err });
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    throw new ProviderError(
      failCode,
      `${service}: unexpected answer shape: ${z.prettifyError(parsed.error)}`,
      false,
    );
  }
  return parsed.data;
}

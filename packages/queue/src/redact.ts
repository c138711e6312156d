import { stdSerializers } from 'pino';

/** Replaces what `redactSecrets` hides. */
export const REDACTED = '[redacted]';

/**
 * Keys whose values are secrets, whatever the object they sit in: headers that carry credentials,
 * and names ending in key/token/secret/password (`apiKey`, `feedToken`, `webhookSecret`,
 * `secretAccessKey`). Plural counts such as `inputTokens` are not secrets and do not match.
 */
const SECRET_KEY =
  /^(authorization|proxy-authorization|cookie|set-cookie|x-api-key|xi-api-key|sig|signature)$|(api[-_]?key|access[-_]?key|token|secret|password|passwd)$/i;

/** A query parameter whose value is a secret (`?api_key=`, `&token=`, `&sig=`). */
const SECRET_PARAM = /([?&][^=&#\s"']*(?:key|token|secret|password|sig|signature)[^=&#\s"']*=)[^&#\s"']*/gi;
/** The password of a URL's user info (`https://user:pass@host`). */
const URL_PASSWORD = /(\/\/[^/\s:@"']+:)[^@/\s"']+@/g;

const MAX_DEPTH = 10;

/** A string with the secrets of the URLs in it replaced. */
export function redactString(text: string): string {
  if (!text.includes('=') && !text.includes('@')) return text;
  return text.replace(SECRET_PARAM, `$1${REDACTED}`).replace(URL_PASSWORD, `$1${REDACTED}@`);
}

/**
 * A copy of `value` with secrets replaced at any depth: values under secret keys, and secrets in
 * URLs inside strings (query parameters, user-info passwords). Errors become their serialized
 * form (pino's) so their messages and own fields are redacted too. Cycles are cut.
 */
export function redactSecrets<T>(value: T): T {
  /** The objects on the path from the root: a cycle is cut, an object logged twice is not. */
  const ancestors = new Set<object>();
  const entries = (v: object, depth: number): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(v)) {
      out[key] =
        SECRET_KEY.test(key) && item !== null && item !== undefined ? REDACTED : walk(item, depth + 1);
    }
    return out;
  };
  const walk = (v: unknown, depth: number): unknown => {
    if (typeof v === 'string') return redactString(v);
    if (typeof v !== 'object' || v === null) return v;
    if (depth >= MAX_DEPTH || ancestors.has(v)) return '[…]';
    ancestors.add(v);
    try {
      if (v instanceof Error) return entries(stdSerializers.err(v), depth);
      if (Array.isArray(v)) return v.map((item) => walk(item, depth + 1));
      // Dates, Buffers and other class instances are left to their own serialization.
      const proto = Object.getPrototypeOf(v);
      if (proto !== Object.prototype && proto !== null) return v;
      return entries(v, depth);
    } finally {
      ancestors.delete(v);
    }
  };
  return walk(value, 0) as T;
}

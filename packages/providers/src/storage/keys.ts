import { storageError } from './errors';

// One path segment: no leading dot (so `.`/`..` and the fs driver's internal `.tmp`/`.meta`
// directories can never be addressed), no separators, no control characters.
const SEGMENT = /^[A-Za-z0-9_\-=+,@][A-Za-z0-9._\-=+,@]*$/;
const MAX_KEY_BYTES = 1024;

function invalid(what: string, value: string, why: string): never {
  throw storageError(`invalid storage ${what} ${JSON.stringify(value)}: ${why}`, false);
}

/** Accepts relative keys like `jobs/abc/episode.mp3`; rejects `..`, absolute paths, NUL, `\`, `//`, dot-segments. */
export function assertValidKey(key: string): void {
  if (typeof key !== 'string' || key.length === 0) invalid('key', String(key), 'empty');
  if (Buffer.byteLength(key) > MAX_KEY_BYTES) invalid('key', key, `longer than ${MAX_KEY_BYTES} bytes`);
  for (const segment of key.split('/')) {
    if (!SEGMENT.test(segment)) invalid('key', key, `bad segment ${JSON.stringify(segment)}`);
  }
}

/** A prefix is a key, optionally ending with `/`; '' is allowed only where `allowEmpty`. */
export function assertValidPrefix(prefix: string, { allowEmpty }: { allowEmpty: boolean }): void {
  if (prefix === '') {
    if (!allowEmpty) invalid('prefix', prefix, 'empty (would match every key)');
    return;
  }
  assertValidKey(prefix.endsWith('/') ? prefix.slice(0, -1) : prefix);
}

export function assertValidRange(
  range: { start: number; end: number },
  sizeBytes: number,
  key: string,
): void {
  const { start, end } = range;
  if (
    !Number.isSafeInteger(start) ||
    !Number.isSafeInteger(end) ||
    start < 0 ||
    end < start ||
    end >= sizeBytes
  ) {
    throw storageError(`range ${start}-${end} not satisfiable for ${key} (${sizeBytes} bytes)`, false);
  }
}

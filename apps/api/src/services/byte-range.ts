/** One satisfiable byte range of an object of `size` bytes (inclusive ends). */
export interface ResolvedRange {
  start: number;
  end: number;
}

/**
 * Reads a `Range` header against an object's size (RFC 9110 §14):
 * - `null`: no usable range (absent, another unit, or several ranges): send the whole object (200);
 * - `'unsatisfiable'`: 416 with `Content-Range: bytes *\/size`;
 * - otherwise the single range to send (206).
 */
export function resolveRange(
  header: string | undefined,
  size: number,
): ResolvedRange | 'unsatisfiable' | null {
  if (!header) return null;
  const match = /^bytes=(.+)$/i.exec(header.trim());
  if (!match?.[1]) return null;
  const specs = match[1].split(',');
  if (specs.length !== 1) return null; // multipart/byteranges is not worth it for audio players
  const spec = /^\s*(\d*)-(\d*)\s*$/.exec(specs[0] ?? '');
  if (!spec || (spec[1] === '' && spec[2] === '')) return 'unsatisfiable';
  if (spec[1] === '') {
    const suffix = Number(spec[2]); // last N bytes
    if (suffix === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(spec[1]);
  const end = spec[2] === '' ? size - 1 : Math.min(Number(spec[2]), size - 1);
  if (start >= size || end < start) return 'unsatisfiable';
  return { start, end };
}

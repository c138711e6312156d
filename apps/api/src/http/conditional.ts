import type { Request } from 'express';

/** Entity tags of an If-None-Match list, compared weakly (RFC 9110 §13.1.2). */
const tagsOf = (header: string) => header.split(',').map((tag) => tag.trim().replace(/^W\//, ''));

/**
 * RFC 9110 §13.2.2 for GET: If-None-Match decides when present, else If-Modified-Since. Unlike
 * Express's req.fresh, a `Cache-Control: no-cache` request is still answered 304 when nothing
 * changed: that directive asks caches to revalidate, which is what this is (fetch() sends it with
 * every conditional request).
 */
export function isNotModified(
  req: Request,
  validators: { etag: string; lastModified?: Date | null },
): boolean {
  const ifNoneMatch = req.get('if-none-match');
  if (ifNoneMatch !== undefined) {
    const tags = tagsOf(ifNoneMatch);
    return tags.includes('*') || tags.includes(validators.etag.replace(/^W\//, ''));
  }
  const ifModifiedSince = req.get('if-modified-since');
  if (ifModifiedSince === undefined || !validators.lastModified) return false;
  const since = Date.parse(ifModifiedSince);
  return Number.isFinite(since) && validators.lastModified.getTime() <= since;
}

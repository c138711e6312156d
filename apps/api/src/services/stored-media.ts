import type { StorageDriver } from '@podfleet/providers';
import type { Response } from 'express';
import { HttpProblem, notFound } from '../http/problem';
import { sendLocalFile } from './local-file';

/** Presigned S3 URLs handed out by the media redirects live this long. */
const PRESIGNED_TTL_SEC = 300;

/**
 * Serves a stored media object (episode audio, clip media): with the s3 driver a 302 to its public
 * or presigned URL; with fs the file itself (Range, conditional GET, HEAD, ETag, 416 past its end).
 * `what` names it in a 404. Returns how it was answered.
 */
export async function serveStoredMedia(
  storage: StorageDriver,
  res: Response,
  media: { key: string; contentType: string; what: string },
): Promise<'redirected' | 'sent'> {
  if (storage.kind === 's3') {
    const url = storage.publicUrl(media.key) ?? (await storage.signedUrl(media.key, PRESIGNED_TTL_SEC));
    if (!url) throw new Error('the s3 storage driver returned no URL');
    res.redirect(302, url);
    return 'redirected';
  }
  const head = await storage.head(media.key);
  const path = storage.localPath?.(media.key);
  if (!head || !path) throw notFound(media.what);
  res.setHeader('Content-Type', media.contentType);
  res.setHeader('Cache-Control', 'private, max-age=3600');
  if (head.checksum) res.setHeader('ETag', `"${head.checksum}"`);
  const outcome = await sendLocalFile(res, path);
  if (outcome === 'missing') throw notFound(media.what);
  if (outcome === 'unsatisfiable') {
    throw new HttpProblem(416, {
      type: 'range-not-satisfiable',
      detail: `the ${media.what} is ${head.sizeBytes} bytes long`,
      headers: { 'Content-Range': `bytes */${head.sizeBytes}` },
    });
  }
  return 'sent';
}

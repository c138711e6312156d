import type { UrlSigner } from './signed-urls';

export type ClipFormat = 'mp3' | 'mp4';

export const clipMediaPath = (clipId: string) => `/v1/clips/${encodeURIComponent(clipId)}/media`;

/** What a clip media URL's signature covers: the path and the format, so one cannot be swapped for the other. */
export const clipMediaSignedPart = (clipId: string, format: ClipFormat) =>
  `${clipMediaPath(clipId)}?format=${format}`;

/**
 * A clip's media URLs, signed and expiring like an episode's audio URL (they play without an
 * Authorization header); null for a format the clip was not rendered in.
 */
export function clipMediaUrls(
  clip: { id: string; mp3Key: string | null; mp4Key: string | null },
  opts: { baseUrl: string; signer: UrlSigner; urlVersion: number; nowMs?: number },
): { mp3Url: string | null; mp4Url: string | null } {
  const url = (format: ClipFormat) => {
    const { exp, sig } = opts.signer.sign(clipMediaSignedPart(clip.id, format), opts.nowMs, opts.urlVersion);
    return `${opts.baseUrl}${clipMediaSignedPart(clip.id, format)}&exp=${exp}&sig=${sig}`;
  };
  return { mp3Url: clip.mp3Key ? url('mp3') : null, mp4Url: clip.mp4Key ? url('mp4') : null };
}

import type { UrlSigner } from './signed-urls';

export interface EpisodeUrlOptions {
  /** Absolute base (PUBLIC_BASE_URL, no trailing slash); '' gives root-relative URLs. */
  baseUrl: string;
  /** Signs the audio URL so it plays without an Authorization header; unsigned when omitted. */
  signer?: UrlSigner;
  /** The owner's User.mediaUrlVersion (default 1). */
  urlVersion?: number;
  nowMs?: number;
}

export const episodeAudioPath = (episodeId: string) => `/v1/episodes/${encodeURIComponent(episodeId)}/audio`;
/** One version's MP3 (GET /v1/episodes/:id/versions): the current one or one a re-render replaced. */
export const episodeVersionAudioPath = (episodeId: string, version: number) =>
  `/v1/episodes/${encodeURIComponent(episodeId)}/versions/${version}/audio`;
export const episodeTranscriptPath = (episodeId: string) =>
  `/v1/episodes/${encodeURIComponent(episodeId)}/transcript`;

/** The URLs an episode view carries: a signed, expiring audio URL and the (authenticated) transcript URL. */
export function episodeUrls(
  episodeId: string,
  opts: EpisodeUrlOptions,
): { audioUrl: string; transcriptUrl: string } {
  const audio = episodeAudioPath(episodeId);
  return {
    audioUrl: `${opts.baseUrl}${opts.signer ? opts.signer.signedPath(audio, opts.nowMs, opts.urlVersion) : audio}`,
    transcriptUrl: `${opts.baseUrl}${episodeTranscriptPath(episodeId)}`,
  };
}

export const episodeChaptersPath = (episodeId: string) =>
  `/v1/episodes/${encodeURIComponent(episodeId)}/chapters`;

/**
 * Until when (unix seconds) a feed's signed URLs of an episode are valid: as long as the episode is
 * listed, so a feed an app downloaded keeps working until it fetches the feed again. A window of
 * `ttlSec` that moves once per `ttlSec` (valid for ttlSec to 2 × ttlSec) covers every episode,
 * so an app must fetch the feed at least once per `ttlSec`; one that expires later is signed
 * until it expires. Between moves the feed's bytes, and its ETag, stay the same.
 */
export function feedUrlExpiry(expiresAt: Date | null, ttlSec: number, nowMs: number): number {
  const window = (Math.floor(nowMs / 1000 / ttlSec) + 2) * ttlSec;
  return expiresAt ? Math.max(window, Math.ceil(expiresAt.getTime() / 1000 / 3600) * 3600) : window;
}

/**
 * The signed URLs a feed item links: audio, transcripts (WebVTT, Podcasting 2.0 JSON), chapters.
 * A re-rendered episode's enclosure is its version's own URL: a new URL (and length) under the
 * same guid is how podcast apps learn to download the audio again.
 */
export function feedMediaUrls(
  episode: { id: string; expiresAt: Date | null; version?: number },
  opts: { baseUrl: string; signer: UrlSigner; ttlSec: number; nowMs: number; urlVersion: number },
): { audio: string; transcriptVtt: string; transcriptJson: string; chapters: string } {
  const exp = feedUrlExpiry(episode.expiresAt, opts.ttlSec, opts.nowMs);
  const signed = (path: string) =>
    `${opts.baseUrl}${opts.signer.signedPathUntil(path, exp, opts.urlVersion)}`;
  const transcript = signed(episodeTranscriptPath(episode.id));
  const version = episode.version ?? 1;
  return {
    audio: signed(version > 1 ? episodeVersionAudioPath(episode.id, version) : episodeAudioPath(episode.id)),
    transcriptVtt: `${transcript}&format=vtt`,
    transcriptJson: `${transcript}&format=podcast-json`,
    chapters: signed(episodeChaptersPath(episode.id)),
  };
}

import type { UrlSigner } from './signed-urls';

export interface EpisodeUrlOptions {
  /** Absolute base (PUBLIC_BASE_URL, no trailing slash); '' gives root-relative URLs. */
  baseUrl: string;
  /** Signs the audio URL so it plays without an Authorization header; unsigned when omitted. */
  signer?: UrlSigner;
  nowMs?: number;
}

export const episodeAudioPath = (episodeId: string) => `/v1/episodes/${encodeURIComponent(episodeId)}/audio`;
export const episodeTranscriptPath = (episodeId: string) =>
  `/v1/episodes/${encodeURIComponent(episodeId)}/transcript`;

/** The URLs an episode view carries: a signed, expiring audio URL and the (authenticated) transcript URL. */
export function episodeUrls(
  episodeId: string,
  opts: EpisodeUrlOptions,
): { audioUrl: string; transcriptUrl: string } {
  const audio = episodeAudioPath(episodeId);
  return {
    audioUrl: `${opts.baseUrl}${opts.signer ? opts.signer.signedPath(audio, opts.nowMs) : audio}`,
    transcriptUrl: `${opts.baseUrl}${episodeTranscriptPath(episodeId)}`,
  };
}

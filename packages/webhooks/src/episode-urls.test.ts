import { feedMediaUrls, feedUrlExpiry } from './episode-urls';
import { mediaUrlSigningKey } from './keys';
import { UrlSigner } from './signed-urls';

const WEEK = 7 * 24 * 3600;
const NOW = Date.parse('2026-11-26T12:34:56Z');

describe('feedUrlExpiry', () => {
  it('signs an episode that expires after the window until it leaves the feed (rounded up to the hour)', () => {
    const expiresAt = new Date('2026-12-20T08:10:00Z');
    expect(feedUrlExpiry(expiresAt, WEEK, NOW)).toBe(Date.parse('2026-12-20T09:00:00Z') / 1000);
    // One that expires sooner gets the window: never less than one TTL.
    const soon = new Date(NOW + 3600_000);
    expect(feedUrlExpiry(soon, WEEK, NOW)).toBe(feedUrlExpiry(null, WEEK, NOW));
  });

  it('gives an episode that never expires a window of one to two TTLs, the same all through a TTL', () => {
    const exp = feedUrlExpiry(null, WEEK, NOW);
    expect(exp - NOW / 1000).toBeGreaterThanOrEqual(WEEK);
    expect(exp - NOW / 1000).toBeLessThan(2 * WEEK);
    const windowStart = (exp - 2 * WEEK) * 1000;
    expect(feedUrlExpiry(null, WEEK, windowStart)).toBe(exp);
    expect(feedUrlExpiry(null, WEEK, windowStart + WEEK * 1000 - 1)).toBe(exp);
    expect(feedUrlExpiry(null, WEEK, windowStart + WEEK * 1000)).toBe(exp + WEEK);
  });
});

describe('feedMediaUrls', () => {
  const signer = new UrlSigner(mediaUrlSigningKey('media-url-secret-0123456789abcdefgh'), 3600);

  it('signs audio, transcripts and chapters, each for its own path, all verifiable until the expiry', () => {
    const expiresAt = new Date('2026-12-20T08:00:00Z');
    const urls = feedMediaUrls(
      { id: 'ep-1', expiresAt },
      { baseUrl: 'https://pods.example', signer, ttlSec: WEEK, nowMs: NOW, urlVersion: 1 },
    );
    const paths = {
      audio: '/v1/episodes/ep-1/audio',
      transcriptVtt: '/v1/episodes/ep-1/transcript',
      transcriptJson: '/v1/episodes/ep-1/transcript',
      chapters: '/v1/episodes/ep-1/chapters',
    };
    for (const [name, path] of Object.entries(paths)) {
      const url = new URL(urls[name as keyof typeof urls]);
      expect(url.origin + url.pathname).toBe(`https://pods.example${path}`);
      const exp = url.searchParams.get('exp');
      const sig = url.searchParams.get('sig');
      expect(exp).toBe(String(expiresAt.getTime() / 1000));
      expect(signer.verify(path, exp, sig, expiresAt.getTime() - 1)).toBe('valid');
      expect(signer.verify(path, exp, sig, expiresAt.getTime() + 1000)).toBe('expired');
      expect(signer.verify('/v1/episodes/ep-2/audio', exp, sig, NOW)).toBe('invalid');
    }
    expect(new URL(urls.transcriptVtt).searchParams.get('format')).toBe('vtt');
    expect(new URL(urls.transcriptJson).searchParams.get('format')).toBe('podcast-json');
  });
});

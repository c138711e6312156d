import { createHmac, timingSafeEqual } from 'node:crypto';

export interface SignedUrlParams {
  /** Unix seconds after which the URL stops working. */
  exp: number;
  sig: string;
}

/**
 * HMAC-signed, expiring URLs for media (episode audio) that podcast apps fetch without an
 * Authorization header. The signature covers the path, the expiry and the owner's media URL
 * version (User.mediaUrlVersion), so none can be changed, and bumping the version (a feed token
 * rotation) voids every URL signed before. Version 1, every user's first, signs as URLs did
 * before versions existed, so those stay valid until their owner first rotates.
 */
export class UrlSigner {
  constructor(
    private readonly key: Buffer,
    private readonly ttlSec: number,
    /** Expiries are rounded up to this many seconds, so a URL stays the same for a while (caches, feed readers). */
    private readonly granularitySec = 3600,
  ) {}

  sign(path: string, nowMs = Date.now(), version = 1): SignedUrlParams {
    const earliest = Math.floor(nowMs / 1000) + this.ttlSec;
    const exp = Math.ceil(earliest / this.granularitySec) * this.granularitySec;
    return { exp, sig: this.mac(path, exp, version) };
  }

  /** `path?exp=…&sig=…` */
  signedPath(path: string, nowMs = Date.now(), version = 1): string {
    const { exp, sig } = this.sign(path, nowMs, version);
    return `${path}?exp=${exp}&sig=${sig}`;
  }

  /** `path?exp=…&sig=…`, valid until `exp` (unix seconds) whatever the TTL. */
  signedPathUntil(path: string, exp: number, version = 1): string {
    return `${path}?exp=${exp}&sig=${this.mac(path, exp, version)}`;
  }

  /** 'valid', 'expired' or 'invalid' (missing, malformed or wrong signature, or an older version). */
  verify(
    path: string,
    exp: unknown,
    sig: unknown,
    nowMs = Date.now(),
    version = 1,
  ): 'valid' | 'expired' | 'invalid' {
    if (typeof exp !== 'string' || typeof sig !== 'string' || !/^\d{1,12}$/.test(exp)) return 'invalid';
    const expected = Buffer.from(this.mac(path, Number(exp), version));
    const given = Buffer.from(sig);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'invalid';
    return Number(exp) * 1000 < nowMs ? 'expired' : 'valid';
  }

  private mac(path: string, exp: number, version: number): string {
    const message = version === 1 ? `${path}\n${exp}` : `${path}\n${exp}\n${version}`;
    return createHmac('sha256', this.key).update(message).digest('base64url');
  }
}

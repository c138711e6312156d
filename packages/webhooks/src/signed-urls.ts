import { createHmac, timingSafeEqual } from 'node:crypto';

export interface SignedUrlParams {
  /** Unix seconds after which the URL stops working. */
  exp: number;
  sig: string;
}

/**
 * HMAC-signed, expiring URLs for media (episode audio) that podcast apps fetch without an
 * Authorization header. The signature covers the path and the expiry, so neither can be changed.
 */
export class UrlSigner {
  constructor(
    private readonly key: Buffer,
    private readonly ttlSec: number,
    /** Expiries are rounded up to this many seconds, so a URL stays the same for a while (caches, feed readers). */
    private readonly granularitySec = 3600,
  ) {}

  sign(path: string, nowMs = Date.now()): SignedUrlParams {
    const earliest = Math.floor(nowMs / 1000) + this.ttlSec;
    const exp = Math.ceil(earliest / this.granularitySec) * this.granularitySec;
    return { exp, sig: this.mac(path, exp) };
  }

  /** `path?exp=…&sig=…` */
  signedPath(path: string, nowMs = Date.now()): string {
    const { exp, sig } = this.sign(path, nowMs);
    return `${path}?exp=${exp}&sig=${sig}`;
  }

  /** `path?exp=…&sig=…`, valid until `exp` (unix seconds) whatever the TTL. */
  signedPathUntil(path: string, exp: number): string {
    return `${path}?exp=${exp}&sig=${this.mac(path, exp)}`;
  }

  /** 'valid', 'expired' or 'invalid' (missing, malformed or wrong signature). */
  verify(path: string, exp: unknown, sig: unknown, nowMs = Date.now()): 'valid' | 'expired' | 'invalid' {
    if (typeof exp !== 'string' || typeof sig !== 'string' || !/^\d{1,12}$/.test(exp)) return 'invalid';
    const expected = Buffer.from(this.mac(path, Number(exp)));
    const given = Buffer.from(sig);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'invalid';
    return Number(exp) * 1000 < nowMs ? 'expired' : 'valid';
  }

  private mac(path: string, exp: number): string {
    return createHmac('sha256', this.key).update(`${path}\n${exp}`).digest('base64url');
  }
}

import { createHmac, timingSafeEqual } from 'node:crypto';

/** Header carrying the signature of a webhook body. */
export const SIGNATURE_HEADER = 'X-Podfleet-Signature';

/** How far a signature's timestamp may be from the receiver's clock (replay window). */
export const DEFAULT_TOLERANCE_SEC = 300;

function hmacHex(secret: string, t: number, body: string): string {
  return createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
}

/**
 * `t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">`: the timestamp is signed with the body,
 * so a receiver that checks it against its clock refuses replays of old deliveries.
 */
export function signPayload(secret: string, body: string, t: number = Math.floor(Date.now() / 1000)): string {
  return `t=${t},v1=${hmacHex(secret, t, body)}`;
}

export interface VerifyOptions {
  toleranceSec?: number;
  /** Receiver's clock in ms (tests). */
  now?: number;
}

/**
 * True when `header` holds a `v1` signature of `body` under `secret` and a timestamp within the
 * tolerance. Several `v1` entries are accepted (one per secret during a rotation).
 */
export function verifySignature(
  secret: string,
  body: string,
  header: string | undefined,
  opts: VerifyOptions = {},
): boolean {
  if (!header) return false;
  let t: number | undefined;
  const candidates: string[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 't' && /^\d{1,12}$/.test(value)) t = Number(value);
    else if (key === 'v1' && /^[0-9a-f]{64}$/.test(value)) candidates.push(value);
  }
  if (t === undefined || candidates.length === 0) return false;
  const nowSec = Math.floor((opts.now ?? Date.now()) / 1000);
  if (Math.abs(nowSec - t) > (opts.toleranceSec ?? DEFAULT_TOLERANCE_SEC)) return false;
  const expected = Buffer.from(hmacHex(secret, t, body), 'hex');
  return candidates.some((c) => timingSafeEqual(Buffer.from(c, 'hex'), expected));
}

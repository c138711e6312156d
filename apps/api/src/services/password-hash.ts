import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

const scryptAsync = promisify(scrypt) as (
  password: string,
  salt: Buffer,
  keylen: number,
  options: { N: number; r: number; p: number; maxmem: number },
) => Promise<Buffer>;

/**
 * scrypt cost: N=2^15, r=8, p=1 (32 MB, tens of ms per check on a server core; twice Node's
 * default N). Verified credentials are cached by the Bull Board guard, so a browser's polling
 * pays it once; the hash records its cost, so a stronger one can be set per user.
 */
const DEFAULTS = { N: 2 ** 15, r: 8, p: 1 };
const KEY_LENGTH = 32;
const FORMAT = /^scrypt\$(\d+)\$(\d+)\$(\d+)\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/;

const maxmem = (N: number, r: number) => 128 * N * r + 1024 * 1024;

/**
 * A password hash in the format BULL_BOARD_USERS holds: `scrypt$N$r$p$<salt b64>$<key b64>`
 * (node:crypto scrypt, 16-byte random salt, 32-byte key).
 */
export async function hashPassword(password: string, cost = DEFAULTS): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(password, salt, KEY_LENGTH, { ...cost, maxmem: maxmem(cost.N, cost.r) });
  return `scrypt$${cost.N}$${cost.r}$${cost.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

/** Whether `password` matches `hash` (constant-time); false for a hash not in the format. */
export async function verifyPassword(password: string, hash: string): Promise<boolean> {
  const m = FORMAT.exec(hash);
  if (!m) return false;
  const [N, r, p] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const expected = Buffer.from(m[5] as string, 'base64');
  if (expected.length === 0) return false;
  const key = await scryptAsync(password, Buffer.from(m[4] as string, 'base64'), expected.length, {
    N,
    r,
    p,
    maxmem: maxmem(N, r),
  });
  return timingSafeEqual(key, expected);
}

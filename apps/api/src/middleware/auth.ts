import { createHash, timingSafeEqual } from 'node:crypto';
import {
  type ApiKeyLookup,
  apiKeyLookup,
  findActiveKey,
  markUserSeen,
  type PrismaClient,
} from '@podfleet/db';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { HttpProblem } from '../http/problem';

/** Who is calling. Resolved once per request from the Authorization header. */
export type Principal =
  | { kind: 'anonymous' }
  | { kind: 'admin' }
  | {
      kind: 'user';
      userId: string;
      apiKeyId: string;
      /**
       * The user's timezone as of the key lookup, which may be cached (keyCacheTtlMs): enough to
       * find today's cached episode without a database read. Routes that change data read the user.
       */
      timezone: string;
    };

declare global {
  namespace Express {
    interface Request {
      principal?: Principal;
    }
  }
}

/** Compares two secrets in constant time: digests first, so unequal lengths leak nothing either. */
export function secretsEqual(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

type Credentials = { scheme: 'bearer' | 'basic'; secret: string } | null;

function readCredentials(header: string | undefined): Credentials {
  if (!header) return null;
  const space = header.indexOf(' ');
  if (space < 0) return null;
  const scheme = header.slice(0, space).toLowerCase();
  const value = header.slice(space + 1).trim();
  if (scheme === 'bearer') return { scheme: 'bearer', secret: value };
  if (scheme === 'basic') {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    // The user name is ignored: the password is the key (curl -u admin:$ADMIN_API_KEY).
    return { scheme: 'basic', secret: colon >= 0 ? decoded.slice(colon + 1) : decoded };
  }
  return null;
}

const unauthorized = (detail: string, scheme: 'Bearer' | 'Basic' = 'Bearer') =>
  new HttpProblem(401, {
    type: 'unauthorized',
    detail,
    headers: { 'WWW-Authenticate': `${scheme} realm="podfleet"` },
  });

/** lastUsedAt is written at most this often per key (one write per request would be wasteful). */
const LAST_USED_RESOLUTION_MS = 60_000;
/** Keys kept in the lookup cache at most (oldest dropped first). */
const KEY_CACHE_MAX = 10_000;
/**
 * A user's lastSeenAt (pre-generation's "seen within days") is written at most this often: by
 * this process, and by the whole fleet (the UPDATE skips a row written more recently).
 */
export const SEEN_RESOLUTION_MS = 5 * 60_000;

interface CachedKey {
  apiKeyId: string;
  userId: string;
  timezone: string;
  lastUsedAt: number;
  /** From then on, a use also looks the key up again in the background. */
  refreshAt: number;
  /** Not used past this: a key revoked elsewhere stops working by then at the latest. */
  expiresAt: number;
}

export interface AuthOptions {
  db: PrismaClient;
  adminApiKey: string;
  /**
   * How long a valid key's lookup is reused in this process (0: never). Revoking through this
   * process takes effect at once; through another replica, within this time.
   */
  keyCacheTtlMs: number;
  /** Milliseconds since the epoch (tests move it). */
  now?: () => number;
}

export interface Authenticator {
  (req: Request, scheme?: 'Bearer' | 'Basic'): Promise<Principal>;
  /** Drops a revoked key from this process's cache. */
  forgetKey(apiKeyId: string): void;
  /** Drops every cached key of a user whose profile (timezone) changed, so the next lookup reads it. */
  forgetUser(userId: string): void;
}

/** Resolves the principal of a request (cached on it); throws 401 for a key that is not valid. */
export function createAuthenticator({
  db,
  adminApiKey,
  keyCacheTtlMs,
  now = Date.now,
}: AuthOptions): Authenticator {
  // By hash: the plain key is not kept even in memory longer than the request.
  const cache = new Map<string, CachedKey>();
  /** Lookups under way, shared by the requests that arrive meanwhile: one query per key. */
  const pending = new Map<string, Promise<CachedKey | null>>();
  /** Bumped by forgetKey/forgetUser: a lookup that began before must not cache what it read. */
  let generation = 0;
  /** When this process last marked each user seen (insertion order = oldest first). */
  const seenAt = new Map<string, number>();

  /** Any authenticated request marks its user seen; throttled and not awaited (off the hot path). */
  const markSeen = (req: Request, userId: string, at: number) => {
    const last = seenAt.get(userId);
    if (last !== undefined && at - last < SEEN_RESOLUTION_MS) return;
    seenAt.delete(userId);
    if (seenAt.size >= KEY_CACHE_MAX) seenAt.delete(seenAt.keys().next().value as string);
    seenAt.set(userId, at);
    markUserSeen(db, userId, SEEN_RESOLUTION_MS / 1000).catch((err: unknown) => {
      seenAt.delete(userId); // try again with the next request
      req.log.warn({ err }, 'could not record that the user was seen');
    });
  };

  const fetchKey = async (key: ApiKeyLookup): Promise<CachedKey | null> => {
    const { hash } = key;
    const startedIn = generation;
    const found = await findActiveKey(db, key);
    if (!found) return null;
    const at = now();
    const entry: CachedKey = {
      apiKeyId: found.apiKey.id,
      userId: found.user.id,
      timezone: found.user.timezone,
      lastUsedAt: Math.max(found.apiKey.lastUsedAt?.getTime() ?? 0, cache.get(hash)?.lastUsedAt ?? 0),
      // Refreshed in the background from half its life on, so a key in steady use is never
      // waited for; spread over a quarter of the TTL, so keys first seen together (a deploy, a
      // burst of clients) are not all looked up again in the same instant.
      refreshAt: at + keyCacheTtlMs * (0.5 + Math.random() / 4),
      expiresAt: at + keyCacheTtlMs,
    };
    if (keyCacheTtlMs > 0 && generation === startedIn) {
      if (cache.size >= KEY_CACHE_MAX) cache.delete(cache.keys().next().value as string);
      cache.set(hash, entry);
    }
    return entry;
  };

  const fetchOnce = (key: ApiKeyLookup): Promise<CachedKey | null> => {
    const { hash } = key;
    let inFlight = pending.get(hash);
    if (!inFlight) {
      inFlight = fetchKey(key).finally(() => pending.delete(hash));
      pending.set(hash, inFlight);
    }
    return inFlight;
  };

  const lookup = async (req: Request, key: ApiKeyLookup, scheme: 'Bearer' | 'Basic'): Promise<CachedKey> => {
    const { hash } = key;
    const cached = cache.get(hash);
    const at = now();
    if (cached && cached.expiresAt > at) {
      if (at >= cached.refreshAt && !pending.has(hash)) {
        fetchOnce(key).then(
          (entry) => {
            if (!entry) cache.delete(hash); // revoked or deleted meanwhile
          },
          (err: unknown) => req.log.warn({ err }, 'could not refresh a cached API key'),
        );
      }
      return cached;
    }
    cache.delete(hash);
    const entry = await fetchOnce(key);
    if (!entry) throw unauthorized('the API key is not valid or was revoked', scheme);
    return entry;
  };

  const authenticate = async (req: Request, scheme: 'Bearer' | 'Basic' = 'Bearer'): Promise<Principal> => {
    if (req.principal) return req.principal;
    const credentials = readCredentials(req.headers.authorization);
    let principal: Principal = { kind: 'anonymous' };
    if (credentials) {
      if (secretsEqual(credentials.secret, adminApiKey)) {
        principal = { kind: 'admin' };
      } else if (credentials.secret.startsWith('pf_')) {
        const key = await lookup(req, apiKeyLookup(credentials.secret), scheme);
        principal = { kind: 'user', userId: key.userId, apiKeyId: key.apiKeyId, timezone: key.timezone };
        const at = now();
        if (at - key.lastUsedAt > LAST_USED_RESOLUTION_MS) {
          key.lastUsedAt = at;
          db.apiKey
            .update({ where: { id: key.apiKeyId }, data: { lastUsedAt: new Date(at) } })
            .catch((err: unknown) => req.log.warn({ err }, 'could not record API key use'));
        }
        markSeen(req, key.userId, at);
      } else {
        throw unauthorized('the API key is not valid', scheme);
      }
    }
    req.principal = principal;
    return principal;
  };
  return Object.assign(authenticate, {
    forgetKey(apiKeyId: string) {
      generation += 1;
      for (const [hash, entry] of cache) if (entry.apiKeyId === apiKeyId) cache.delete(hash);
    },
    forgetUser(userId: string) {
      generation += 1;
      for (const [hash, entry] of cache) if (entry.userId === userId) cache.delete(hash);
    },
  });
}

type Guard = (req: Request, res: Response, next: NextFunction) => Promise<void>;

export interface AuthGuards {
  /** A user key; the admin key is refused (403) because user routes act as one user. */
  user: RequestHandler;
  /** A user key or the admin key (operators may read and control any user's jobs and episodes). */
  userOrAdmin: RequestHandler;
  admin: RequestHandler;
  /** Admin via HTTP Basic, for browsers (Bull Board): 401 carries `WWW-Authenticate: Basic`. */
  adminBasic: RequestHandler;
  /** `Authorization: Bearer CRON_SECRET` only (constant-time); 404 when CRON_SECRET is unset. */
  cron: RequestHandler;
}

export function createAuthGuards(authenticate: Authenticator, cronSecret: string | undefined): AuthGuards {
  const guard =
    (check: (p: Principal) => void, scheme: 'Bearer' | 'Basic' = 'Bearer'): Guard =>
    async (req, _res, next) => {
      check(await authenticate(req, scheme));
      next();
    };
  const anonymousCheck = (p: Principal, scheme: 'Bearer' | 'Basic' = 'Bearer') => {
    if (p.kind === 'anonymous') throw unauthorized('send an API key as Authorization: Bearer <key>', scheme);
  };
  return {
    user: guard((p) => {
      anonymousCheck(p);
      if (p.kind !== 'user') {
        throw new HttpProblem(403, {
          type: 'forbidden',
          detail: 'this route needs a user API key, not the admin key',
        });
      }
    }),
    userOrAdmin: guard((p) => anonymousCheck(p)),
    admin: guard((p) => {
      anonymousCheck(p);
      if (p.kind !== 'admin')
        throw new HttpProblem(403, { type: 'forbidden', detail: 'this route needs the admin key' });
    }),
    adminBasic: guard((p) => {
      anonymousCheck(p, 'Basic');
      if (p.kind !== 'admin')
        throw new HttpProblem(403, { type: 'forbidden', detail: 'this route needs the admin key' });
    }, 'Basic'),
    cron: async (req, _res, next) => {
      // Unconfigured, the cron routes do not exist (404), so nobody mistakes them for a wrong secret.
      if (!cronSecret) {
        throw new HttpProblem(404, {
          type: 'not-found',
          detail: 'the cron endpoints are off: CRON_SECRET is not set',
        });
      }
      const credentials = readCredentials(req.headers.authorization);
      if (credentials?.scheme !== 'bearer' || !secretsEqual(credentials.secret, cronSecret)) {
        throw unauthorized('send CRON_SECRET as Authorization: Bearer <secret>');
      }
      next();
    },
  };
}

/** The calling user's principal; only valid behind the `user` guard. */
export function currentUser(req: Request): Extract<Principal, { kind: 'user' }> {
  const p = req.principal;
  if (p?.kind !== 'user') throw new Error('currentUser() used on a route without the user guard');
  return p;
}

/** Id of the calling user; only valid behind the `user` guard. */
export function currentUserId(req: Request): string {
  return currentUser(req).userId;
}

/**
 * Row filter for records owned by users: a user sees their own, the admin sees all. Another
 * user's id then simply finds nothing, which answers 404 (not 403: ids are not confirmed).
 */
export function ownerScope(req: Request): { userId?: string } {
  const p = req.principal;
  if (p?.kind === 'user') return { userId: p.userId };
  if (p?.kind === 'admin') return {};
  throw new Error('ownerScope() used on a route without an auth guard');
}

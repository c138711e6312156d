import { createHash, timingSafeEqual } from 'node:crypto';
import {
  type ApiKeyLookup,
  apiKeyLookup,
  findActiveKey,
  markUserSeen,
  type PrismaClient,
} from '@podfleet/db';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { LRUCache } from 'lru-cache';
import { HttpProblem } from '../http/problem';
import type { RateLimiter } from '../services/rate-limit';

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
      /** The user's media URL version as of the key lookup (signs the URLs their answers carry). */
      mediaUrlVersion: number;
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

/** The Bearer token of an Authorization header; null without one (Basic and other schemes included). */
export function bearerToken(header: string | undefined): string | null {
  if (!header) return null;
  const space = header.indexOf(' ');
  if (space < 0 || header.slice(0, space).toLowerCase() !== 'bearer') return null;
  return header.slice(space + 1).trim();
}

/** `pf_` and 32 base64url characters (generateApiKey): anything else is refused without a lookup. */
const API_KEY_SHAPE = /^pf_[A-Za-z0-9_-]{32}$/;

const unauthorized = (detail: string) =>
  new HttpProblem(401, {
    type: 'unauthorized',
    detail,
    headers: { 'WWW-Authenticate': 'Bearer realm="podfleet"' },
  });

/** lastUsedAt is written at most this often per key (one write per request would be wasteful). */
const LAST_USED_RESOLUTION_MS = 60_000;
/** Keys kept in the lookup cache at most (the least recently used dropped first). */
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
  mediaUrlVersion: number;
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
  /** Keys kept in the lookup cache at most; default KEY_CACHE_MAX. */
  keyCacheMax?: number;
  /**
   * Failed authentications counted per client address (Redis, every replica): past `perMinute`
   * in a minute, a credential not already in the key cache is answered 429 without being checked
   * (no admin key comparison, no database lookup). Unset: no throttle.
   */
  failures?: { limiter: RateLimiter; perMinute: number };
}

export interface Authenticator {
  (req: Request): Promise<Principal>;
  /** 429 while the client's address is past its failed authentications (other credentials share the throttle). */
  refuseThrottled(req: Request): Promise<void>;
  /** Counts a failed authentication against the client's address. */
  countFailure(req: Request): Promise<void>;
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
  keyCacheMax = KEY_CACHE_MAX,
  failures,
}: AuthOptions): Authenticator {
  // By hash: the plain key is not kept even in memory longer than the request.
  const cache = new LRUCache<string, CachedKey>({ max: keyCacheMax });
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
      mediaUrlVersion: found.user.mediaUrlVersion,
      lastUsedAt: Math.max(found.apiKey.lastUsedAt?.getTime() ?? 0, cache.peek(hash)?.lastUsedAt ?? 0),
      // Refreshed in the background from half its life on, so a key in steady use is never
      // waited for; spread over a quarter of the TTL, so keys first seen together (a deploy, a
      // burst of clients) are not all looked up again in the same instant.
      refreshAt: at + keyCacheTtlMs * (0.5 + Math.random() / 4),
      expiresAt: at + keyCacheTtlMs,
    };
    if (keyCacheTtlMs > 0 && generation === startedIn) {
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

  const failureSubject = (req: Request) => `auth-failures:${req.ip ?? req.socket.remoteAddress ?? 'unknown'}`;

  /** 429 while the client's address is past its failures; Redis down: no throttle (auth still works). */
  const refuseThrottled = async (req: Request) => {
    if (!failures) return;
    const count = await failures.limiter.peek(failureSubject(req)).catch(() => 0);
    if (count < failures.perMinute) return;
    const resetSec = 60 - (Math.floor(Date.now() / 1000) % 60);
    throw new HttpProblem(429, {
      type: 'too-many-auth-failures',
      detail: `too many failed authentications from your address; try again in ${resetSec} s`,
      headers: { 'Retry-After': String(resetSec) },
    });
  };

  const countFailure = async (req: Request) => {
    if (!failures) return;
    await failures.limiter
      .hit(failureSubject(req), failures.perMinute)
      .then(() => undefined)
      .catch((err: unknown) => req.log.warn({ err }, 'could not count a failed authentication'));
  };

  /** Counts a failure against the client's address, then refuses the request (401). */
  const fail = async (req: Request, detail: string): Promise<never> => {
    await countFailure(req);
    throw unauthorized(detail);
  };

  /** A valid key from this process's cache (no lookup, so no guess is checked); null otherwise. */
  const fromCache = (req: Request, key: ApiKeyLookup): CachedKey | null => {
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
    return null;
  };

  const authenticate = async (req: Request): Promise<Principal> => {
    if (req.principal) return req.principal;
    const header = req.headers.authorization;
    const token = bearerToken(header);
    let principal: Principal = { kind: 'anonymous' };
    if (token === null && header) {
      // Basic (the admin key was a Basic password once) and other schemes are refused, and count.
      await refuseThrottled(req);
      await fail(req, 'send an API key as Authorization: Bearer <key>');
    }
    if (token !== null) {
      const shaped = API_KEY_SHAPE.test(token);
      let key = shaped ? fromCache(req, apiKeyLookup(token)) : null;
      if (!key) {
        await refuseThrottled(req);
        if (secretsEqual(token, adminApiKey)) {
          req.principal = { kind: 'admin' };
          return req.principal;
        }
        if (!shaped) await fail(req, 'the API key is not valid');
        key = await fetchOnce(apiKeyLookup(token));
        if (!key) await fail(req, 'the API key is not valid or was revoked');
      }
      if (key) {
        principal = {
          kind: 'user',
          userId: key.userId,
          apiKeyId: key.apiKeyId,
          timezone: key.timezone,
          mediaUrlVersion: key.mediaUrlVersion,
        };
        const at = now();
        if (at - key.lastUsedAt > LAST_USED_RESOLUTION_MS) {
          key.lastUsedAt = at;
          db.apiKey
            .update({ where: { id: key.apiKeyId }, data: { lastUsedAt: new Date(at) } })
            .catch((err: unknown) => req.log.warn({ err }, 'could not record API key use'));
        }
        markSeen(req, key.userId, at);
      }
    }
    req.principal = principal;
    return principal;
  };
  return Object.assign(authenticate, {
    refuseThrottled,
    countFailure,
    forgetKey(apiKeyId: string) {
      generation += 1;
      for (const [hash, entry] of [...cache.entries()]) if (entry.apiKeyId === apiKeyId) cache.delete(hash);
    },
    forgetUser(userId: string) {
      generation += 1;
      for (const [hash, entry] of [...cache.entries()]) if (entry.userId === userId) cache.delete(hash);
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
  /** `Authorization: Bearer CRON_SECRET` only (constant-time); 404 when CRON_SECRET is unset. */
  cron: RequestHandler;
}

export function createAuthGuards(authenticate: Authenticator, cronSecret: string | undefined): AuthGuards {
  const guard =
    (check: (p: Principal) => void): Guard =>
    async (req, _res, next) => {
      check(await authenticate(req));
      next();
    };
  const anonymousCheck = (p: Principal) => {
    if (p.kind === 'anonymous') throw unauthorized('send an API key as Authorization: Bearer <key>');
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
    cron: async (req, _res, next) => {
      // Unconfigured, the cron routes do not exist (404), so nobody mistakes them for a wrong secret.
      if (!cronSecret) {
        throw new HttpProblem(404, {
          type: 'not-found',
          detail: 'the cron endpoints are off: CRON_SECRET is not set',
        });
      }
      await authenticate.refuseThrottled(req);
      const token = bearerToken(req.headers.authorization);
      if (token === null || !secretsEqual(token, cronSecret)) {
        await authenticate.countFailure(req);
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

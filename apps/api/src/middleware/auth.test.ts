import { waitFor } from '@podfleet/test-kit';
import express from 'express';
import request from 'supertest';
import { ADMIN_KEY, bearer, startTestApi, type TestApi, testEnv } from '../../test/harness';
import { RateLimiter } from '../services/rate-limit';
import { createAuthenticator, createAuthGuards, SEEN_RESOLUTION_MS, secretsEqual } from './auth';
import { errorHandler } from './errors';

let t: TestApi;
beforeAll(async () => {
  t = await startTestApi(testEnv(process.env, 'auth'));
});
afterAll(() => t.close());

const basic = (user: string, password: string) => ({
  Authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`,
});

describe('authentication', () => {
  it('401 without credentials, with WWW-Authenticate and a problem body', async () => {
    const res = await request(t.app).get('/v1/jobs').expect(401);
    expect(res.headers['www-authenticate']).toBe('Bearer realm="podfleet"');
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({
      status: 401,
      title: 'Unauthorized',
      type: 'urn:podfleet:problem:unauthorized',
    });
  });

  it('401 for an unknown key, a malformed header or another scheme', async () => {
    await request(t.app).get('/v1/jobs').set(bearer('pf_doesnotexist00000000000000000000')).expect(401);
    await request(t.app).get('/v1/jobs').set(bearer('not-a-key')).expect(401);
    await request(t.app).get('/v1/jobs').set({ Authorization: 'Token abc' }).expect(401);
  });

  it('the admin key works as Bearer, no longer as a Basic password (issue #18)', async () => {
    await request(t.app).get('/v1/stats').set(bearer(ADMIN_KEY)).expect(200);
    await request(t.app).get('/v1/stats').set(basic('anyone', ADMIN_KEY)).expect(401);
    await request(t.app).get('/v1/stats').set(basic('admin', 'wrong-password')).expect(401);
  });

  it('admin routes answer 403 to user keys', async () => {
    const { key } = await t.createUser();
    const res = await request(t.app).get('/v1/stats').set(bearer(key)).expect(403);
    expect(res.body.detail).toMatch(/admin/);
    await request(t.app).get('/v1/admin/jobs').set(bearer(key)).expect(403);
  });

  it('records when a key was last used', async () => {
    const { user, key } = await t.createUser();
    await request(t.app).get('/v1/me').set(bearer(key)).expect(200);
    const row = await t.db.apiKey.findFirstOrThrow({ where: { userId: user.id } });
    // Written in the background, so poll until it lands.
    await waitFor(async () => (await t.db.apiKey.findUniqueOrThrow({ where: { id: row.id } })).lastUsedAt, {
      what: 'lastUsedAt',
    });
  });
});

/** The real client, with its api_keys lookups counted: started, and answered. */
function countingKeyLookups() {
  let count = 0;
  let answered = 0;
  const apiKeys = new Proxy(t.db.apiKey, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (prop !== 'findFirst' || typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        count += 1;
        return Promise.resolve(value.apply(target, args)).finally(() => {
          answered += 1;
        });
      };
    },
  });
  const db = new Proxy(t.db, {
    get: (target, prop, receiver) => (prop === 'apiKey' ? apiKeys : Reflect.get(target, prop, receiver)),
  });
  return { db, lookups: () => count, answered: () => answered };
}

/** GET /who behind the user guard, with a 10 s key cache over `db`, answering the principal. */
function whoAmIApp(db: ReturnType<typeof countingKeyLookups>['db'], now?: () => number) {
  const authenticator = createAuthenticator({
    db,
    adminApiKey: ADMIN_KEY,
    keyCacheTtlMs: 10_000,
    ...(now ? { now } : {}),
  });
  const app = express();
  app.get('/who', createAuthGuards(authenticator, undefined).user, (req, res) => {
    res.json(req.principal);
  });
  app.use(errorHandler);
  return app;
}

/** The real client, with its raw writes (markUserSeen) counted: issued, and answered. */
function countingRawWrites() {
  let issued = 0;
  let answered = 0;
  const db = new Proxy(t.db, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (prop !== '$executeRaw' || typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        issued += 1;
        return Promise.resolve(value.apply(target, args)).finally(() => {
          answered += 1;
        });
      };
    },
  });
  return { db, issued: () => issued, answered: () => answered };
}

describe('last seen', () => {
  const lastSeen = async (userId: string) =>
    (await t.db.user.findUniqueOrThrow({ where: { id: userId } })).lastSeenAt;

  it('any authenticated request marks its user seen, not awaited', async () => {
    const { user, key } = await t.createUser();
    expect(user.lastSeenAt).toBeNull();
    await request(t.app).get('/v1/jobs').set(bearer(key)).expect(200);
    await waitFor(() => lastSeen(user.id), { what: 'lastSeenAt' });
  });

  it('writes at most once per user per SEEN_RESOLUTION_MS in a process, and not again from another', async () => {
    const { user, key } = await t.createUser();
    let clock = 1_000_000;
    const { db, issued, answered } = countingRawWrites();
    const app = whoAmIApp(db, () => clock);
    const who = () => request(app).get('/who').set(bearer(key)).expect(200);

    await who();
    expect(issued()).toBe(1);
    await waitFor(() => answered() === 1, { what: 'the first write' });
    const old = new Date('2020-01-01T00:00:00Z');
    await t.db.user.update({ where: { id: user.id }, data: { lastSeenAt: old } });

    clock += SEEN_RESOLUTION_MS - 1;
    await who();
    expect(issued()).toBe(1); // throttled: nothing written
    expect(await lastSeen(user.id)).toEqual(old);

    clock += 1;
    await who();
    expect(issued()).toBe(2);
    await waitFor(() => answered() === 2, { what: 'the second write' });
    const written = await lastSeen(user.id);
    expect(written?.getTime()).toBeGreaterThan(old.getTime());

    // Another replica (its own throttle) asks too: the row, written just now, is left as it is.
    const other = countingRawWrites();
    await request(whoAmIApp(other.db)).get('/who').set(bearer(key)).expect(200);
    expect(other.issued()).toBe(1);
    await waitFor(() => other.answered() === 1, { what: "the other replica's write" });
    expect(await lastSeen(user.id)).toEqual(written);
  });
});

describe('key cache', () => {
  it('with caching off, a key revoked elsewhere (another replica) stops working at once', async () => {
    const uncached = await startTestApi(testEnv(process.env, 'auth-nocache'), {
      settings: { keyCacheTtlMs: 0 },
    });
    try {
      const { user, key } = await uncached.createUser();
      await request(uncached.app).get('/v1/me').set(bearer(key)).expect(200);
      await uncached.db.apiKey.updateMany({ where: { userId: user.id }, data: { revokedAt: new Date() } });
      await request(uncached.app).get('/v1/me').set(bearer(key)).expect(401);
    } finally {
      await uncached.close();
    }
  });

  it('requests arriving while a key is being looked up share that one lookup', async () => {
    const { key } = await t.createUser();
    const { db, lookups } = countingKeyLookups();
    const app = whoAmIApp(db);
    const answers = await Promise.all(
      Array.from({ length: 8 }, () => request(app).get('/who').set(bearer(key))),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(8).fill(200));
    expect(answers[0]?.body).toMatchObject({ kind: 'user', timezone: 'UTC' });
    expect(lookups()).toBe(1);
    await request(app).get('/who').set(bearer(key)).expect(200);
    expect(lookups()).toBe(1); // cached
  });

  it('refreshes a key in use in the background; one revoked elsewhere stops within the TTL', async () => {
    const { user, key } = await t.createUser();
    let clock = 1_000_000;
    const { db, lookups, answered } = countingKeyLookups();
    const app = whoAmIApp(db, () => clock);
    const who = () => request(app).get('/who').set(bearer(key));

    await who().expect(200);
    expect(lookups()).toBe(1);
    clock += 4_000; // before half the TTL: served from the cache alone
    await who().expect(200);
    expect(lookups()).toBe(1);
    clock += 3_600; // past the refresh point (at most 3/4 of the TTL): answered at once, looked up behind
    await who().expect(200);
    await waitFor(() => answered() === 2, { what: 'the background refresh' });

    // Revoked by another replica: this one keeps the key at most one TTL after its last lookup.
    await t.db.apiKey.updateMany({ where: { userId: user.id }, data: { revokedAt: new Date() } });
    clock += 7_600; // past the next refresh point, before the entry's end: still answered, refreshed behind
    await who().expect(200);
    await waitFor(() => answered() === 3, { what: 'the refresh that finds the key revoked' });
    await who().expect(401);
    expect(lookups()).toBe(4); // the refused request looked the key up again, and found it revoked
  });

  it('when full, drops the least recently used key, not a key in constant use', async () => {
    const [a, b, c] = await Promise.all([t.createUser(), t.createUser(), t.createUser()]);
    const { db, lookups } = countingKeyLookups();
    const authenticator = createAuthenticator({
      db,
      adminApiKey: ADMIN_KEY,
      keyCacheTtlMs: 10_000,
      keyCacheMax: 2,
    });
    const app = express();
    app.get('/who', createAuthGuards(authenticator, undefined).user, (_req, res) => {
      res.end();
    });
    app.use(errorHandler);
    const use = (key: string) => request(app).get('/who').set(bearer(key)).expect(200);
    await use(a.key); // a is the oldest entry, and stays in use
    await use(b.key);
    await use(a.key);
    await use(c.key); // full: b, the least recently used, makes room
    expect(lookups()).toBe(3);
    await use(a.key);
    expect(lookups()).toBe(3); // still cached
    await use(b.key);
    expect(lookups()).toBe(4); // looked up again
  });

  it('with caching on, a key revoked through this process stops working at once', async () => {
    const { user, key } = await t.createUser();
    await request(t.app).get('/v1/me').set(bearer(key)).expect(200); // now cached
    const row = await t.db.apiKey.findFirstOrThrow({ where: { userId: user.id } });
    await request(t.app).delete(`/v1/keys/${row.id}`).set(bearer(key)).expect(204);
    await request(t.app).get('/v1/me').set(bearer(key)).expect(401);
  });
});

describe('cron guard', () => {
  it('accepts only Bearer CRON_SECRET: 401 otherwise, the admin key included; 404 when unset', async () => {
    const authenticator = createAuthenticator({
      db: t.db,
      adminApiKey: ADMIN_KEY,
      keyCacheTtlMs: 0,
    });
    const app = express();
    app.post('/cron', createAuthGuards(authenticator, 'the-cron-secret-0123456789').cron, (_req, res) => {
      res.json({ ok: true });
    });
    app.use(errorHandler);
    await request(app).post('/cron').set(bearer('the-cron-secret-0123456789')).expect(200);
    await request(app).post('/cron').expect(401);
    await request(app).post('/cron').set(bearer('the-cron-secret-01234567890')).expect(401);
    await request(app).post('/cron').set(bearer(ADMIN_KEY)).expect(401);
    await request(app).post('/cron').set(basic('x', 'the-cron-secret-0123456789')).expect(401);
    const open = express();
    open.post('/cron', createAuthGuards(authenticator, undefined).cron, (_req, res) => {
      res.json({ ok: true });
    });
    open.use(errorHandler);
    // No CRON_SECRET configured: the route is off for everyone.
    const off = await request(open).post('/cron').set(bearer('anything')).expect(404);
    expect(off.body.detail).toMatch(/CRON_SECRET is not set/);
    await request(open).post('/cron').expect(404);
  });
});

describe('secretsEqual', () => {
  it('compares by value, including different lengths', () => {
    expect(secretsEqual('abc', 'abc')).toBe(true);
    expect(secretsEqual('abc', 'abd')).toBe(false);
    expect(secretsEqual('abc', 'abcd')).toBe(false);
    expect(secretsEqual('', 'x')).toBe(false);
  });
});

describe('failed authentication throttle (issue #18)', () => {
  /** GET /who behind the user guard, throttled at `perMinute` failures per client address. */
  function throttledApp(db: ReturnType<typeof countingKeyLookups>['db'], perMinute: number, prefix: string) {
    const authenticator = createAuthenticator({
      db,
      adminApiKey: ADMIN_KEY,
      keyCacheTtlMs: 10_000,
      failures: { limiter: new RateLimiter(t.redis, prefix), perMinute },
    });
    const app = express();
    app.set('trust proxy', true); // X-Forwarded-For picks the client address in this test
    app.get('/who', createAuthGuards(authenticator, undefined).userOrAdmin, (req, res) => {
      res.json(req.principal);
    });
    app.use(errorHandler);
    return app;
  }

  it('answers 429 with Retry-After after a burst of failures from one address, without a lookup per guess', async () => {
    const { key } = await t.createUser();
    const { db, lookups } = countingKeyLookups();
    const app = throttledApp(db, 5, `${t.settings.prefix}-throttle-${Date.now()}`);
    const from = (ip: string) => ({ 'X-Forwarded-For': ip });
    // A valid key first: cached, so later requests with it need no lookup.
    await request(app).get('/who').set(bearer(key)).set(from('203.0.113.7')).expect(200);
    const guess = (i: number) => `pf_${String(i).padStart(32, 'x')}`;
    for (let i = 0; i < 5; i += 1) {
      await request(app)
        .get('/who')
        .set(bearer(guess(i)))
        .set(from('203.0.113.7'))
        .expect(401);
    }
    const lookupsBefore = lookups();
    expect(lookupsBefore).toBe(6);
    for (let i = 5; i < 25; i += 1) {
      const res = await request(app)
        .get('/who')
        .set(bearer(guess(i)))
        .set(from('203.0.113.7'))
        .expect(429);
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
      expect(res.body.type).toBe('urn:podfleet:problem:too-many-auth-failures');
    }
    expect(lookups()).toBe(lookupsBefore); // refused guesses cost no database query
    // The admin key and Basic guesses are throttled too; a key already in the cache still works.
    await request(app).get('/who').set(bearer(ADMIN_KEY)).set(from('203.0.113.7')).expect(429);
    await request(app).get('/who').set(bearer(key)).set(from('203.0.113.7')).expect(200);
    // Another address is not affected.
    await request(app)
      .get('/who')
      .set(bearer(guess(99)))
      .set(from('198.51.100.1'))
      .expect(401);
    await request(app).get('/who').set(bearer(ADMIN_KEY)).set(from('198.51.100.1')).expect(200);
  });

  it('throttles CRON_SECRET guesses the same way', async () => {
    const authenticator = createAuthenticator({
      db: t.db,
      adminApiKey: ADMIN_KEY,
      keyCacheTtlMs: 0,
      failures: {
        limiter: new RateLimiter(t.redis, `${t.settings.prefix}-throttle-cron-${Date.now()}`),
        perMinute: 2,
      },
    });
    const app = express();
    app.set('trust proxy', true);
    app.post('/cron', createAuthGuards(authenticator, 'the-cron-secret-0123456789').cron, (_req, res) => {
      res.json({ ok: true });
    });
    app.use(errorHandler);
    const from = { 'X-Forwarded-For': '203.0.113.21' };
    await request(app).post('/cron').set(bearer('guess-one-0123456789')).set(from).expect(401);
    await request(app).post('/cron').set(bearer('guess-two-0123456789')).set(from).expect(401);
    await request(app).post('/cron').set(bearer('the-cron-secret-0123456789')).set(from).expect(429);
    await request(app)
      .post('/cron')
      .set(bearer('the-cron-secret-0123456789'))
      .set({ 'X-Forwarded-For': '203.0.113.22' })
      .expect(200);
  });

  it('refuses a malformed key or another scheme without a lookup, counting it as a failure', async () => {
    const { db, lookups } = countingKeyLookups();
    const app = throttledApp(db, 3, `${t.settings.prefix}-throttle-shape-${Date.now()}`);
    const from = { 'X-Forwarded-For': '203.0.113.9' };
    await request(app).get('/who').set(bearer('pf_short')).set(from).expect(401);
    await request(app).get('/who').set(bearer('not-a-key')).set(from).expect(401);
    await request(app).get('/who').set(basic('x', 'guess')).set(from).expect(401);
    expect(lookups()).toBe(0);
    await request(app).get('/who').set(bearer(ADMIN_KEY)).set(from).expect(429);
  });
});

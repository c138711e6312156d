import request from 'supertest';
import { makeEpisode } from '../../test/fixtures';
import { ADMIN_KEY, bearer, startTestApi, type TestApi, testEnv } from '../../test/harness';

let t: TestApi;
beforeAll(async () => {
  t = await startTestApi(testEnv(process.env, 'users'));
});
afterAll(() => t.close());

const admin = bearer(ADMIN_KEY);

describe('POST /v1/users', () => {
  it('creates a user and a working key shown once (201)', async () => {
    const res = await request(t.app)
      .post('/v1/users')
      .set(admin)
      .send({
        email: 'New.User@Example.test',
        name: 'New',
        timezone: 'Europe/Paris',
        sources: [{ kind: 'text', title: 'T', text: 'Some text.' }],
      })
      .expect(201);
    expect(res.body.user).toMatchObject({
      email: 'new.user@example.test',
      name: 'New',
      timezone: 'Europe/Paris',
      dailyEnabled: true,
    });
    expect(res.body.apiKey).toMatch(/^pf_[A-Za-z0-9_-]{32}$/);
    expect(res.body.key).toMatchObject({ prefix: res.body.apiKey.slice(0, 12), name: 'default' });
    const stored = await t.db.apiKey.findUniqueOrThrow({ where: { id: res.body.key.id } });
    expect(stored.hash).not.toContain(res.body.apiKey);
    const me = await request(t.app).get('/v1/me').set(bearer(res.body.apiKey)).expect(200);
    expect(me.body.user.id).toBe(res.body.user.id);
  });

  it('answers 409 for an existing email, whatever its case', async () => {
    await request(t.app).post('/v1/users').set(admin).send({ email: 'dup@example.test' }).expect(201);
    const res = await request(t.app)
      .post('/v1/users')
      .set(admin)
      .send({ email: 'DUP@example.test' })
      .expect(409);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 409, title: 'Conflict' });
  });

  it('answers 422 with errors[] for an invalid body', async () => {
    const res = await request(t.app)
      .post('/v1/users')
      .set(admin)
      .send({ email: 'not-an-email', timezone: 'Mars/Olympus', extra: 1 })
      .expect(422);
    const paths = res.body.errors.map((e: { path: string }) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['email', 'timezone']));
    expect(res.body.errors.some((e: { code?: string }) => e.code === 'unrecognized_keys')).toBe(true);
  });

  it('is for the admin only: 401 anonymous, 403 with a user key', async () => {
    const { key } = await t.createUser();
    await request(t.app).post('/v1/users').send({ email: 'x@example.test' }).expect(401);
    await request(t.app).post('/v1/users').set(bearer(key)).send({ email: 'x@example.test' }).expect(403);
  });
});

describe('/v1/me', () => {
  it('returns the user, a private feed URL and the webhook secret', async () => {
    const { user, key } = await t.createUser();
    const res = await request(t.app).get('/v1/me').set(bearer(key)).expect(200);
    expect(res.body.user).toMatchObject({ id: user.id, email: user.email, timezone: 'UTC' });
    expect(res.body.feedUrl).toMatch(new RegExp(`/v1/feeds/${user.feedToken}\\.xml$`));
    expect(res.body.webhookSecret).toMatch(/^whsec_/);
    expect(res.body.user).not.toHaveProperty('feedToken');
  });

  it('PATCH updates saved sources, style, timezone and schedule', async () => {
    const { key } = await t.createUser();
    const res = await request(t.app)
      .patch('/v1/me')
      .set(bearer(key))
      .send({
        sources: [{ kind: 'rss', url: 'https://feeds.example.test/rss' }],
        style: { targetMinutes: 5 },
        timezone: 'America/New_York',
        dailyEnabled: false,
        weeklyEnabled: true,
      })
      .expect(200);
    expect(res.body.user).toMatchObject({
      sources: [{ kind: 'rss', url: 'https://feeds.example.test/rss', maxItems: 5 }],
      style: { targetMinutes: 5 },
      timezone: 'America/New_York',
      dailyEnabled: false,
      weeklyEnabled: true,
    });
    const cleared = await request(t.app).patch('/v1/me').set(bearer(key)).send({ style: null }).expect(200);
    expect(cleared.body.user.style).toBeNull();
    await request(t.app).patch('/v1/me').set(bearer(key)).send({ timezone: 'Nowhere/Zone' }).expect(422);
  });

  it('PATCH refuses a webhook URL the SSRF guard rejects (private addresses in production)', async () => {
    const strict = await startTestApi(testEnv(process.env, 'users-strict'), {
      settings: { allowPrivateUrls: false },
    });
    try {
      const { key } = await strict.createUser();
      const res = await request(strict.app)
        .patch('/v1/me')
        .set(bearer(key))
        .send({ webhookUrl: 'http://127.0.0.1:9/hook' })
        .expect(422);
      expect(res.body.errors[0]).toMatchObject({ path: 'webhookUrl', code: 'forbidden_url' });
    } finally {
      await strict.close();
    }
  });

  it('rotating the feed token changes the feed URL', async () => {
    const { key } = await t.createUser();
    const before = await request(t.app).get('/v1/me').set(bearer(key)).expect(200);
    const after = await request(t.app).post('/v1/me/feed-token').set(bearer(key)).expect(200);
    expect(after.body.feedUrl).not.toBe(before.body.feedUrl);
  });

  it('is for user keys: the admin key gets 403', async () => {
    const res = await request(t.app).get('/v1/me').set(admin).expect(403);
    expect(res.body.detail).toMatch(/user API key/);
  });
});

describe('/v1/users/:id: what operators decide', () => {
  it('POST /v1/users takes the tier and the quota; users see theirs but cannot set them', async () => {
    const res = await request(t.app)
      .post('/v1/users')
      .set(admin)
      .send({ email: `tiered-${Date.now()}@example.test`, pregenerateTier: 'partial', storageQuotaBytes: 0 })
      .expect(201);
    expect(res.body.user).toMatchObject({ pregenerateTier: 'partial', storageQuotaBytes: 0 });
    const key = res.body.apiKey as string;
    const me = await request(t.app).get('/v1/me').set(bearer(key)).expect(200);
    expect(me.body.user).toMatchObject({ pregenerateTier: 'partial', storageQuotaBytes: 0 });
    for (const field of [{ pregenerateTier: 'full' }, { storageQuotaBytes: 10 }]) {
      const refused = await request(t.app).patch('/v1/me').set(bearer(key)).send(field).expect(422);
      expect(refused.body.errors[0].code).toBe('unrecognized_keys');
    }
  });

  it('PATCH sets the tier and the quota, which the next episode request obeys; null goes back to the default', async () => {
    const { user, key } = await t.createUser();
    await makeEpisode(t.db, t.storage, user.id); // 4096 bytes stored
    const request_ = () =>
      request(t.app)
        .post('/v1/episodes')
        .set(bearer(key))
        .send({ type: 'custom', sources: [{ kind: 'text', title: 'T', text: 'Some text.' }] });

    const limited = await request(t.app)
      .patch(`/v1/users/${user.id}`)
      .set(admin)
      .send({ pregenerateTier: 'none', storageQuotaBytes: 4096 })
      .expect(200);
    expect(limited.body).toEqual({
      user: expect.objectContaining({ id: user.id, pregenerateTier: 'none', storageQuotaBytes: 4096 }),
      storage: { usedBytes: 4096, quotaBytes: 4096, exceeded: true },
    });
    const refused = await request_().expect(409);
    expect(refused.body).toMatchObject({ usedBytes: 4096, quotaBytes: 4096 });

    const defaulted = await request(t.app)
      .patch(`/v1/users/${user.id}`)
      .set(admin)
      .send({ storageQuotaBytes: null })
      .expect(200);
    expect(defaulted.body.user).toMatchObject({ pregenerateTier: 'none', storageQuotaBytes: null });
    expect(defaulted.body.storage).toEqual({
      usedBytes: 4096,
      quotaBytes: t.settings.userStorageQuotaBytes,
      exceeded: false,
    });
    await request_().expect(202);
    const read = await request(t.app).get(`/v1/users/${user.id}`).set(admin).expect(200);
    expect(read.body).toEqual(defaulted.body);
  });

  it('answers 404 for an unknown user, 422 for a bad tier or quota, 403 to user keys', async () => {
    const { user, key } = await t.createUser();
    await request(t.app)
      .patch('/v1/users/no-such-user')
      .set(admin)
      .send({ pregenerateTier: 'full' })
      .expect(404);
    await request(t.app).get('/v1/users/no-such-user').set(admin).expect(404);
    const invalid = await request(t.app)
      .patch(`/v1/users/${user.id}`)
      .set(admin)
      .send({ pregenerateTier: 'most', storageQuotaBytes: -1 })
      .expect(422);
    expect(invalid.body.errors.map((e: { path: string }) => e.path).sort()).toEqual([
      'pregenerateTier',
      'storageQuotaBytes',
    ]);
    await request(t.app)
      .patch(`/v1/users/${user.id}`)
      .set(bearer(key))
      .send({ pregenerateTier: 'full' })
      .expect(403);
    await request(t.app).get(`/v1/users/${user.id}`).set(bearer(key)).expect(403);
  });
});

describe('/v1/keys', () => {
  it('creates, lists and revokes keys; a revoked key stops working', async () => {
    const { key } = await t.createUser();
    const created = await request(t.app).post('/v1/keys').set(bearer(key)).send({ name: 'ci' }).expect(201);
    expect(created.body.apiKey).toMatch(/^pf_/);
    const second = created.body.apiKey as string;
    await request(t.app).get('/v1/me').set(bearer(second)).expect(200);

    const list = await request(t.app).get('/v1/keys').set(bearer(key)).expect(200);
    expect(list.body.items.map((k: { name: string }) => k.name).sort()).toEqual(['ci', 'test']);
    expect(JSON.stringify(list.body)).not.toContain(second);

    await request(t.app).delete(`/v1/keys/${created.body.key.id}`).set(bearer(key)).expect(204);
    await request(t.app).get('/v1/me').set(bearer(second)).expect(401);
    await request(t.app).delete(`/v1/keys/${created.body.key.id}`).set(bearer(key)).expect(404);
  });

  it("cannot revoke another user's key (404)", async () => {
    const a = await t.createUser();
    const b = await t.createUser();
    const bKey = await t.db.apiKey.findFirstOrThrow({ where: { userId: b.user.id } });
    await request(t.app).delete(`/v1/keys/${bKey.id}`).set(bearer(a.key)).expect(404);
    await request(t.app).get('/v1/me').set(bearer(b.key)).expect(200);
  });

  it('caps active keys per user (409), concurrent requests included; revoking makes room (issue #18)', async () => {
    const capped = await startTestApi(testEnv(process.env, 'users-keys'), {
      settings: { userMaxApiKeys: 3 },
    });
    try {
      const { user, key } = await capped.createUser(); // its first key counts
      const answers = await Promise.all(
        Array.from({ length: 5 }, () => request(capped.app).post('/v1/keys').set(bearer(key)).send({})),
      );
      expect(answers.map((r) => r.status).sort()).toEqual([201, 201, 409, 409, 409]);
      const refused = answers.find((r) => r.status === 409);
      expect(refused?.body.detail).toMatch(/3 active API keys/);
      expect(await capped.db.apiKey.count({ where: { userId: user.id, revokedAt: null } })).toBe(3);
      const made = answers.find((r) => r.status === 201);
      await request(capped.app).delete(`/v1/keys/${made?.body.key.id}`).set(bearer(key)).expect(204);
      await request(capped.app).post('/v1/keys').set(bearer(key)).send({}).expect(201);
    } finally {
      await capped.close();
    }
  });
});

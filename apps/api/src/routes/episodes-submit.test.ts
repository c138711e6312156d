import { stageJobId } from '@podfleet/queue';
import { Job as BullJob } from 'bullmq';
import request from 'supertest';
import { ADMIN_KEY, bearer, startTestApi, type TestApi, testEnv } from '../../test/harness';

const env = testEnv(process.env, 'submit');
let t: TestApi;
beforeAll(async () => {
  t = await startTestApi(env);
});
afterAll(() => t.close());

const textSource = {
  kind: 'text',
  title: 'Budget news',
  text: 'The committee approved the budget on Tuesday.',
};
const custom = (extra: object = {}) => ({ type: 'custom', sources: [textSource], ...extra });

describe('POST /v1/episodes', () => {
  it('answers 202 with a ticket and enqueues the flow with the requested priority', async () => {
    const { user, key } = await t.createUser();
    await t.db.user.update({ where: { id: user.id }, data: { highPriorityPerDay: 1 } });
    const res = await request(t.app)
      .post('/v1/episodes')
      .set(bearer(key))
      .send(custom({ priority: 'high' }))
      .expect(202);
    expect(res.body).toMatchObject({ status: 'queued', deduplicated: false });
    const { jobId } = res.body;
    expect(res.body.pollUrl).toMatch(new RegExp(`/v1/jobs/${jobId}$`));
    expect(res.body.eventsUrl).toBe(`${res.body.pollUrl}/events`);
    expect(res.headers.location).toBe(res.body.pollUrl);

    const job = await t.db.job.findUniqueOrThrow({ where: { id: jobId } });
    expect(job).toMatchObject({
      userId: user.id,
      status: 'queued',
      priority: 'high',
      type: 'custom',
      run: 1,
    });
    const scrape = await BullJob.fromId(t.api.pipeline.queues.scrape, stageJobId(jobId, 1, 'scrape'));
    expect(scrape?.opts.priority).toBe(1);
    const upload = await BullJob.fromId(t.api.pipeline.queues.upload, stageJobId(jobId, 1, 'upload'));
    expect(await upload?.getState()).toBe('waiting-children');
  });

  it('refuses priority high (403) without the allowance the admin grants, and past it (issue #18)', async () => {
    const { user, key } = await t.createUser();
    const submit = (priority: string, n: number) =>
      request(t.app)
        .post('/v1/episodes')
        .set(bearer(key))
        .send(custom({ priority, sources: [{ ...textSource, title: `Priority ${n}` }] }));
    const refused = await submit('high', 1).expect(403);
    expect(refused.body).toMatchObject({
      type: 'urn:podfleet:problem:priority-not-allowed',
      highPriorityPerDay: 0,
    });
    expect(await t.db.job.count({ where: { userId: user.id } })).toBe(0);
    await submit('normal', 2).expect(202);

    await request(t.app)
      .patch(`/v1/users/${user.id}`)
      .set(bearer(ADMIN_KEY))
      .send({ highPriorityPerDay: 2 })
      .expect(200)
      .expect((res) => expect(res.body.user.highPriorityPerDay).toBe(2));
    await submit('high', 3).expect(202);
    await submit('high', 4).expect(202);
    const spent = await submit('high', 5).expect(403);
    expect(spent.body.detail).toMatch(/used up/);
    const jobs = await t.db.job.findMany({ where: { userId: user.id }, select: { priority: true } });
    expect(jobs.map((j) => j.priority).sort()).toEqual(['high', 'high', 'normal']);
  });

  it('is for user keys only (401 anonymous, 403 admin)', async () => {
    await request(t.app).post('/v1/episodes').send(custom()).expect(401);
    await request(t.app).post('/v1/episodes').set(bearer(ADMIN_KEY)).send(custom()).expect(403);
  });

  it('answers 422 with errors[] naming each invalid field', async () => {
    const { key } = await t.createUser();
    const res = await request(t.app)
      .post('/v1/episodes')
      .set(bearer(key))
      .send({
        type: 'custom',
        sources: [{ kind: 'url', url: 'not a url' }],
        priority: 'urgent',
        surprise: true,
      })
      .expect(422);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    const paths = res.body.errors.map((e: { path: string }) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['priority']));
    expect(paths.some((p: string) => p.startsWith('sources.0'))).toBe(true);
    const missing = await request(t.app)
      .post('/v1/episodes')
      .set(bearer(key))
      .send({ type: 'custom' })
      .expect(422);
    expect(missing.body.errors[0].path).toBe('sources');
  });

  it('answers 422 when a daily request has no sources and the user saved none', async () => {
    const { key } = await t.createUser();
    const res = await request(t.app)
      .post('/v1/episodes')
      .set(bearer(key))
      .send({ type: 'daily' })
      .expect(422);
    expect(res.body.errors[0].path).toBe('sources');
  });

  it('answers 400 to malformed JSON, 415 to a non-JSON body and 413 above 1 MB', async () => {
    const { key } = await t.createUser();
    const malformed = await request(t.app)
      .post('/v1/episodes')
      .set(bearer(key))
      .set('Content-Type', 'application/json')
      .send('{"type": "custom",')
      .expect(400);
    expect(malformed.body).toMatchObject({ status: 400, type: 'urn:podfleet:problem:malformed-json' });
    await request(t.app)
      .post('/v1/episodes')
      .set(bearer(key))
      .set('Content-Type', 'text/plain')
      .send('hello')
      .expect(415);
    const big = custom({ sources: [{ kind: 'text', title: 'Big', text: 'x'.repeat(1024 * 1024) }] });
    const tooLarge = await request(t.app).post('/v1/episodes').set(bearer(key)).send(big).expect(413);
    expect(tooLarge.body).toMatchObject({ status: 413, type: 'urn:podfleet:problem:body-too-large' });
    // Whatever its type: a large non-JSON body is refused by its size, not only by its type.
    const bigText = await request(t.app)
      .post('/v1/episodes')
      .set(bearer(key))
      .set('Content-Type', 'text/plain')
      .send('x'.repeat(1024 * 1024 + 1))
      .expect(413);
    expect(bigText.headers['content-type']).toMatch(/^application\/problem\+json/);
    // Where no route reads a body at all, too.
    await request(t.app)
      .post('/v1/jobs/any/retry')
      .set(bearer(key))
      .set('Content-Type', 'application/octet-stream')
      .send(Buffer.alloc(1024 * 1024 + 1))
      .expect(413);
  });

  it('refuses a webhook URL that resolves to a private address (SSRF guard)', async () => {
    const strict = await startTestApi(testEnv(process.env, 'submit-strict'), {
      settings: { allowPrivateUrls: false },
    });
    try {
      const { user, key } = await strict.createUser();
      const res = await request(strict.app)
        .post('/v1/episodes')
        .set(bearer(key))
        .send(custom({ webhookUrl: 'http://169.254.169.254/latest/meta-data' }))
        .expect(422);
      expect(res.body.errors[0]).toMatchObject({
        path: 'webhookUrl',
        code: 'forbidden_url',
        message: 'not a public address', // not the address it resolved to (issue #18)
      });
      expect(JSON.stringify(res.body)).not.toContain('metadata');
      expect(await strict.db.job.count({ where: { userId: user.id } })).toBe(0);
    } finally {
      await strict.close();
    }
  });

  it('stores the webhook URL on the job (the request one, else the user default)', async () => {
    const { user, key } = await t.createUser({ webhookUrl: 'http://127.0.0.1:9/default' });
    const a = await request(t.app)
      .post('/v1/episodes')
      .set(bearer(key))
      .send(custom({ webhookUrl: 'http://127.0.0.1:9/mine' }))
      .expect(202);
    const b = await request(t.app).post('/v1/episodes').set(bearer(key)).send(custom()).expect(202);
    const jobs = await t.db.job.findMany({ where: { userId: user.id } });
    const byId = new Map(jobs.map((j) => [j.id, j.webhookUrl]));
    expect(byId.get(a.body.jobId)).toBe('http://127.0.0.1:9/mine');
    expect(byId.get(b.body.jobId)).toBe('http://127.0.0.1:9/default');
  });
});

describe('Idempotency-Key', () => {
  /** A custom-episode request of the user with API key `apiKey`, under Idempotency-Key `idempotencyKey`. */
  const withKey = (apiKey: string, idempotencyKey: string) =>
    request(t.app)
      .post('/v1/episodes')
      .set(bearer(apiKey))
      .set('Idempotency-Key', idempotencyKey)
      .send(custom());

  it('returns the first answer for the same key and creates one job', async () => {
    const { user, key } = await t.createUser();
    const first = await withKey(key, 'order-42').expect(202);
    const again = await withKey(key, 'order-42').expect(202);
    expect(again.body.jobId).toBe(first.body.jobId);
    expect(again.body.deduplicated).toBe(true);
    expect(again.headers['idempotent-replayed']).toBe('true');
    // Still the first answer once the job has moved on (its state now is at pollUrl).
    await t.db.job.update({ where: { id: first.body.jobId }, data: { status: 'completed' } });
    const later = await withKey(key, 'order-42').expect(202);
    expect(later.body).toMatchObject({ jobId: first.body.jobId, status: 'queued' });
    const other = await withKey(key, 'order-43').expect(202);
    expect(other.body.jobId).not.toBe(first.body.jobId);
    expect(await t.db.job.count({ where: { userId: user.id } })).toBe(2);
  });

  it('creates one job when requests with one key race', async () => {
    const { user, key } = await t.createUser();
    const answers = await Promise.all(Array.from({ length: 5 }, () => withKey(key, 'race')));
    expect(answers.map((a) => a.status)).toEqual([202, 202, 202, 202, 202]);
    expect(new Set(answers.map((a) => a.body.jobId)).size).toBe(1);
    expect(await t.db.job.count({ where: { userId: user.id } })).toBe(1);
  });

  it('keys are per user, and expire after 24 h', async () => {
    const a = await t.createUser();
    const b = await t.createUser();
    const ra = await withKey(a.key, 'shared').expect(202);
    const rb = await withKey(b.key, 'shared').expect(202);
    expect(rb.body.jobId).not.toBe(ra.body.jobId);

    await t.db.job.update({
      where: { id: ra.body.jobId },
      data: { createdAt: new Date(Date.now() - 25 * 3600 * 1000) },
    });
    const later = await withKey(a.key, 'shared').expect(202);
    expect(later.body.jobId).not.toBe(ra.body.jobId);
    expect(later.body.deduplicated).toBe(false);
  });

  it('answers 400 to an invalid key', async () => {
    const { key } = await t.createUser();
    const res = await withKey(key, 'has space').expect(400);
    expect(res.body.errors[0].path).toBe('Idempotency-Key');
  });
});

describe('limits', () => {
  it('answers 429 with Retry-After past the per-user requests per minute, other users unaffected', async () => {
    const limited = await startTestApi(testEnv(process.env, 'submit-rate'), {
      settings: { userRequestsPerMinute: 3 },
    });
    try {
      const a = await limited.createUser();
      const b = await limited.createUser();
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) {
        statuses.push(
          (await request(limited.app).post('/v1/episodes').set(bearer(a.key)).send(custom())).status,
        );
      }
      expect(statuses).toEqual([202, 202, 202, 429]);
      const res = await request(limited.app)
        .post('/v1/episodes')
        .set(bearer(a.key))
        .send(custom())
        .expect(429);
      const retryAfter = Number(res.headers['retry-after']);
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
      expect(res.headers['ratelimit-remaining']).toBe('0');
      expect(res.body).toMatchObject({ status: 429, type: 'urn:podfleet:problem:rate-limited' });
      await request(limited.app).post('/v1/episodes').set(bearer(b.key)).send(custom()).expect(202);
    } finally {
      await limited.close();
    }
  });

  it('answers 503 with Retry-After once MAX_QUEUE_SIZE stage jobs are waiting', async () => {
    const full = await startTestApi(testEnv(process.env, 'submit-full'), { settings: { maxQueueSize: 2 } });
    try {
      const { key } = await full.createUser();
      await request(full.app).post('/v1/episodes').set(bearer(key)).send(custom()).expect(202);
      await request(full.app).post('/v1/episodes').set(bearer(key)).send(custom()).expect(202);
      const res = await request(full.app).post('/v1/episodes').set(bearer(key)).send(custom()).expect(503);
      expect(res.headers['retry-after']).toBe('30');
      expect(res.body).toMatchObject({ status: 503, type: 'urn:podfleet:problem:queue-full' });
      // Draining opens it again (each drained child releases its parent to the next stage's queue).
      for (const stage of ['scrape', 'script', 'audio', 'upload'] as const)
        await full.api.pipeline.queues[stage].drain();
      await request(full.app).post('/v1/episodes').set(bearer(key)).send(custom()).expect(202);
    } finally {
      await full.close();
    }
  });

  it('a user over the active-job limit still gets a ticket; the job waits its turn', async () => {
    const fair = await startTestApi(testEnv(process.env, 'submit-fair'), {
      settings: { userMaxActiveJobs: 1 },
    });
    try {
      const { key } = await fair.createUser();
      const first = await request(fair.app).post('/v1/episodes').set(bearer(key)).send(custom()).expect(202);
      const second = await request(fair.app).post('/v1/episodes').set(bearer(key)).send(custom()).expect(202);
      const rows = await fair.db.job.findMany({
        where: { id: { in: [first.body.jobId, second.body.jobId] } },
      });
      const run = new Map(rows.map((j) => [j.id, j.run]));
      expect(run.get(first.body.jobId)).toBe(1);
      expect(run.get(second.body.jobId)).toBe(0); // not enqueued yet
      expect(second.body.status).toBe('queued');
    } finally {
      await fair.close();
    }
  });
});

describe('Redis down', () => {
  it('answers 503 with Retry-After and leaves no job behind', async () => {
    const down = await startTestApi(testEnv(process.env, 'submit-down'), { redisUrl: 'redis://127.0.0.1:1' });
    try {
      const { user, key } = await down.createUser();
      const res = await request(down.app).post('/v1/episodes').set(bearer(key)).send(custom()).expect(503);
      expect(res.headers['retry-after']).toBeDefined();
      expect(res.body).toMatchObject({ status: 503, type: 'urn:podfleet:problem:redis-unavailable' });
      expect(
        await down.db.job.count({ where: { userId: user.id, status: { in: ['queued', 'running'] } } }),
      ).toBe(0);
    } finally {
      await down.close();
    }
  });
});

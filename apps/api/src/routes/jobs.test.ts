import { stageJobId } from '@podfleet/queue';
import { Job as BullJob } from 'bullmq';
import request from 'supertest';
import { makeJob } from '../../test/fixtures';
import { ADMIN_KEY, bearer, startTestApi, type TestApi, testEnv } from '../../test/harness';

let t: TestApi;
beforeAll(async () => {
  t = await startTestApi(testEnv(process.env, 'jobs'));
});
afterAll(() => t.close());

const submit = async (key: string) =>
  (
    await request(t.app)
      .post('/v1/episodes')
      .set(bearer(key))
      .send({ type: 'custom', sources: [{ kind: 'text', title: 'T', text: 'Some text to talk about.' }] })
      .expect(202)
  ).body.jobId as string;

describe('GET /v1/jobs/:id', () => {
  it('returns the job as CONTRACT "Job"', async () => {
    const { key } = await t.createUser();
    const id = await submit(key);
    const res = await request(t.app).get(`/v1/jobs/${id}`).set(bearer(key)).expect(200);
    expect(Object.keys(res.body).sort()).toEqual(
      expect.arrayContaining([
        'id',
        'status',
        'phase',
        'progress',
        'currentStep',
        'attempts',
        'maxAttempts',
        'priority',
        'error',
        'episodeId',
        'costUsd',
        'wordCount',
        'providers',
        'createdAt',
        'startedAt',
        'completedAt',
      ]),
    );
    expect(res.body).toMatchObject({ id, status: 'queued', progress: 0, error: null, priority: 'normal' });
  });

  it("is 404 for another user's job and for unknown ids; the admin sees any", async () => {
    const a = await t.createUser();
    const b = await t.createUser();
    const id = await submit(a.key);
    const other = await request(t.app).get(`/v1/jobs/${id}`).set(bearer(b.key)).expect(404);
    expect(other.body).toMatchObject({ status: 404, type: 'urn:podfleet:problem:not-found' });
    await request(t.app).get('/v1/jobs/does-not-exist').set(bearer(a.key)).expect(404);
    await request(t.app).get(`/v1/jobs/${id}`).set(bearer(ADMIN_KEY)).expect(200);
    await request(t.app).get(`/v1/jobs/${id}`).expect(401);
  });

  it('shows the error of a failed job', async () => {
    const { user, key } = await t.createUser();
    const job = await makeJob(t.db, user.id, 'failed');
    const res = await request(t.app).get(`/v1/jobs/${job.id}`).set(bearer(key)).expect(200);
    expect(res.body).toMatchObject({
      status: 'failed',
      error: { code: 'SCRIPT_FAILED', message: 'the writer gave up' },
    });
  });
});

describe('GET /v1/jobs', () => {
  it('pages through your jobs newest first with a cursor, and filters by status', async () => {
    const { user, key } = await t.createUser();
    const other = await t.createUser();
    await makeJob(t.db, other.user.id);
    const ids: string[] = [];
    for (const status of ['queued', 'failed', 'completed', 'failed', 'cancelled'] as const)
      ids.push((await makeJob(t.db, user.id, status)).id);

    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: request.Response = await request(t.app)
        .get('/v1/jobs')
        .query({ limit: 2, ...(cursor ? { cursor } : {}) })
        .set(bearer(key))
        .expect(200);
      expect(res.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...res.body.items.map((j: { id: string }) => j.id));
      cursor = res.body.nextCursor;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual([...ids].reverse());

    const failed = await request(t.app).get('/v1/jobs?status=failed').set(bearer(key)).expect(200);
    expect(failed.body.items.map((j: { id: string }) => j.id)).toEqual([ids[3], ids[1]]);
    expect(failed.body.nextCursor).toBeNull();
  });

  it('answers 400 to a bad status, limit or cursor', async () => {
    const { key } = await t.createUser();
    await request(t.app).get('/v1/jobs?status=done').set(bearer(key)).expect(400);
    await request(t.app).get('/v1/jobs?limit=101').set(bearer(key)).expect(400);
    await request(t.app).get('/v1/jobs?limit=0').set(bearer(key)).expect(400);
    const res = await request(t.app).get('/v1/jobs?cursor=garbage').set(bearer(key)).expect(400);
    expect(res.body.errors[0].path).toBe('cursor');
  });
});

describe('DELETE /v1/jobs/:id', () => {
  it('cancels a queued job (200) and removes its waiting stages from Redis', async () => {
    const { key } = await t.createUser();
    const id = await submit(key);
    const res = await request(t.app).delete(`/v1/jobs/${id}`).set(bearer(key)).expect(200);
    expect(res.body).toMatchObject({ id, status: 'cancelled' });
    expect(res.body.completedAt).not.toBeNull();
    expect(await BullJob.fromId(t.api.pipeline.queues.scrape, stageJobId(id, 1, 'scrape'))).toBeUndefined();
    expect(await BullJob.fromId(t.api.pipeline.queues.upload, stageJobId(id, 1, 'upload'))).toBeUndefined();
  });

  it('answers 409 for a finished job and 404 for another user', async () => {
    const { user, key } = await t.createUser();
    const b = await t.createUser();
    for (const status of ['completed', 'failed', 'cancelled'] as const) {
      const job = await makeJob(t.db, user.id, status);
      const res = await request(t.app).delete(`/v1/jobs/${job.id}`).set(bearer(key)).expect(409);
      expect(res.body.detail).toContain(status);
    }
    const running = await makeJob(t.db, user.id, 'running');
    await request(t.app).delete(`/v1/jobs/${running.id}`).set(bearer(b.key)).expect(404);
    await request(t.app).delete(`/v1/jobs/${running.id}`).set(bearer(key)).expect(200);
  });
});

describe('POST /v1/jobs/:id/retry', () => {
  it('re-queues a failed job (202) under a new run', async () => {
    const { user, key } = await t.createUser();
    const job = await makeJob(t.db, user.id, 'failed', {
      type: 'custom',
      sources: [{ kind: 'text', title: 'T', text: 'x' }],
    });
    const res = await request(t.app).post(`/v1/jobs/${job.id}/retry`).set(bearer(key)).expect(202);
    expect(res.body).toMatchObject({ id: job.id, status: 'queued', error: null });
    const row = await t.db.job.findUniqueOrThrow({ where: { id: job.id } });
    expect(row.run).toBe(1);
    expect(
      await (await BullJob.fromId(t.api.pipeline.queues.scrape, stageJobId(job.id, 1, 'scrape')))?.getState(),
    ).toMatch(/wait|prioritized/);
  });

  it('re-queues a cancelled job, and answers 409 unless failed or cancelled', async () => {
    const { user, key } = await t.createUser();
    const cancelled = await makeJob(t.db, user.id, 'cancelled');
    await request(t.app).post(`/v1/jobs/${cancelled.id}/retry`).set(bearer(key)).expect(202);
    for (const status of ['queued', 'running', 'completed'] as const) {
      const job = await makeJob(t.db, user.id, status);
      const res = await request(t.app).post(`/v1/jobs/${job.id}/retry`).set(bearer(key)).expect(409);
      expect(res.body.detail).toContain(status);
    }
    const other = await t.createUser();
    const failed = await makeJob(t.db, user.id, 'failed');
    await request(t.app).post(`/v1/jobs/${failed.id}/retry`).set(bearer(other.key)).expect(404);
  });
});

describe('with Redis down', () => {
  it('still answers the job from the database, and 503 to its event stream (no events can be heard)', async () => {
    const down = await startTestApi(testEnv(process.env, 'jobs-down'), { redisUrl: 'redis://127.0.0.1:1' });
    try {
      const { user, key } = await down.createUser();
      const job = await makeJob(down.db, user.id, 'running');
      await request(down.app).get(`/v1/jobs/${job.id}`).set(bearer(key)).expect(200);
      const stream = await request(down.app).get(`/v1/jobs/${job.id}/events`).set(bearer(key)).expect(503);
      expect(stream.headers['retry-after']).toBe('5');
      expect(stream.body).toMatchObject({ status: 503, type: 'urn:podfleet:problem:redis-unavailable' });
    } finally {
      await down.close();
    }
  });
});

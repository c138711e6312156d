import { failJob, markStageFailed } from '@podfleet/db';
import { cacheCounterKey } from '@podfleet/pregeneration';
import request from 'supertest';
import { makeJob } from '../../test/fixtures';
import {
  ADMIN_KEY,
  bearer,
  createScratchDatabase,
  startTestApi,
  type TestApi,
  testEnv,
} from '../../test/harness';

const env = testEnv(process.env, 'admin');
let t: TestApi;
beforeAll(async () => {
  t = await startTestApi(env);
});
afterAll(() => t.close());

const admin = bearer(ADMIN_KEY);

describe('GET /v1/admin/jobs', () => {
  it('finds jobs across users by email, id, error message and source title', async () => {
    // The run's database is shared by every test file: search terms are unique to this test.
    const tag = `t${Date.now().toString(36)}`;
    const alice = await t.createUser({ email: `alice-${tag}@search.test` });
    const bob = await t.createUser();
    const a1 = await makeJob(t.db, alice.user.id, 'queued', {
      type: 'custom',
      sources: [{ kind: 'text', title: `Zebra${tag} migration 100%`, text: 'x' }],
    });
    const b1 = await makeJob(t.db, bob.user.id, 'failed');
    await t.db.job.update({ where: { id: b1.id }, data: { errorMessage: `voice engine ${tag} gave up` } });
    const b2 = await makeJob(t.db, bob.user.id, 'completed');

    const search = async (query: Record<string, string>) =>
      (await request(t.app).get('/v1/admin/jobs').query(query).set(admin).expect(200)).body.items.map(
        (j: { id: string }) => j.id,
      );

    expect(await search({ q: `ALICE-${tag.toUpperCase()}` })).toEqual([a1.id]);
    expect(await search({ q: b2.id.slice(-12) })).toEqual([b2.id]);
    expect(await search({ q: `ENGINE ${tag.toUpperCase()} GAVE` })).toEqual([b1.id]);
    expect(await search({ q: `zebra${tag}` })).toEqual([a1.id]);
    expect(await search({ q: `${tag} migration 100%` })).toEqual([a1.id]); // % is literal, not a wildcard
    expect(await search({ q: `${tag} migration 1_0` })).toEqual([]);
    expect(await search({ userId: bob.user.id })).toEqual([b2.id, b1.id]);
    expect(await search({ userId: bob.user.id, status: 'failed' })).toEqual([b1.id]);
    await t.db.job.update({ where: { id: b1.id }, data: { errorCode: `TTS_${tag.toUpperCase()}` } });
    expect(await search({ errorCode: `TTS_${tag.toUpperCase()}` })).toEqual([b1.id]);
    expect(await search({ errorCode: `tts_${tag}` })).toEqual([]); // codes match exactly

    const res = await request(t.app)
      .get('/v1/admin/jobs')
      .query({ userId: bob.user.id })
      .set(admin)
      .expect(200);
    expect(res.body.items[0]).toMatchObject({
      id: b2.id,
      userId: bob.user.id,
      userEmail: bob.user.email,
      status: 'completed',
    });
    // Each result links to the job's history, which shows its events.
    const historyUrl = new URL(res.body.items[1].historyUrl);
    expect(historyUrl.pathname).toBe(`/v1/jobs/${b1.id}/history`);
    const history = await request(t.app).get(historyUrl.pathname).set(admin).expect(200);
    expect(history.body.events.map((e: { type: string }) => e.type)).toEqual(['created', 'failed']);
    expect(history.body.job).toMatchObject({ id: b1.id, error: { message: `voice engine ${tag} gave up` } });
  });

  it('pages with a cursor', async () => {
    const { user } = await t.createUser();
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push((await makeJob(t.db, user.id)).id);
    const first = await request(t.app)
      .get('/v1/admin/jobs')
      .query({ userId: user.id, limit: 2 })
      .set(admin)
      .expect(200);
    expect(first.body.items).toHaveLength(2);
    const second = await request(t.app)
      .get('/v1/admin/jobs')
      .query({ userId: user.id, limit: 2, cursor: first.body.nextCursor })
      .set(admin)
      .expect(200);
    expect([...first.body.items, ...second.body.items].map((j: { id: string }) => j.id)).toEqual(
      ids.reverse(),
    );
    expect(second.body.nextCursor).toBeNull();
  });

  it('answers 400 to an invalid status', async () => {
    await request(t.app).get('/v1/admin/jobs?status=nope').set(admin).expect(400);
  });
});

describe('what runs now and what fails (a database of their own: they cover every row)', () => {
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
  let ops: TestApi;
  beforeAll(async () => {
    scratch = await createScratchDatabase(env, 'admin_ops');
    ops = await startTestApi({ ...env, databaseUrl: scratch.url });
  });
  afterAll(async () => {
    await ops?.close();
    await scratch?.drop();
  });

  it('GET /v1/admin/active-jobs lists the queued and running jobs, oldest first, with links', async () => {
    const { user } = await ops.createUser();
    const queued = await makeJob(ops.db, user.id, 'queued');
    const running = await makeJob(ops.db, user.id, 'running');
    await makeJob(ops.db, user.id, 'completed');
    await ops.db.job.update({
      where: { id: running.id },
      data: { createdAt: new Date(Date.now() - 60_000) },
    });

    const res = await request(ops.app).get('/v1/admin/active-jobs').set(admin).expect(200);
    expect(res.body.total).toBe(2);
    expect(res.body.items.map((j: { jobId: string }) => j.jobId)).toEqual([running.id, queued.id]);
    expect(res.body.items[0]).toMatchObject({
      userId: user.id,
      userEmail: user.email,
      status: 'running',
      phase: 'script',
      progress: 25,
      pregenerated: false,
    });
    expect(res.body.items[0].ageSec).toBeGreaterThanOrEqual(60);
    expect(new URL(res.body.items[0].historyUrl).pathname).toBe(`/v1/jobs/${running.id}/history`);
    const one = await request(ops.app).get('/v1/admin/active-jobs?limit=1').set(admin).expect(200);
    expect(one.body).toMatchObject({ total: 2, items: [{ jobId: running.id }] });
    await request(ops.app).get('/v1/admin/active-jobs?limit=0').set(admin).expect(400);
  });

  it('GET /v1/admin/failures groups failed attempts by stage, code and provider, with an example each', async () => {
    const { user } = await ops.createUser();
    const job = (sources: object[] = []) => makeJob(ops.db, user.id, 'queued', { type: 'custom', sources });
    const fail = (jobId: string, stage: 'scrape' | 'script' | 'audio', code: string, provider?: string) =>
      markStageFailed(ops.db, jobId, stage, {
        code,
        message: `${code} in ${jobId}`,
        ...(provider ? { provider } : {}),
      });
    // The script writer failed three times over two jobs; one of them ended failed for it.
    const [a, b] = [await job(), await job()];
    await fail(a.id, 'script', 'RATE_LIMITED', 'anthropic');
    await fail(a.id, 'script', 'RATE_LIMITED', 'anthropic');
    await fail(b.id, 'script', 'RATE_LIMITED', 'anthropic');
    await failJob(ops.db, b.id, 'RATE_LIMITED', 'gave up');
    // TTS once; a scrape failure is put on the kinds of the job's sources.
    await fail(a.id, 'audio', 'TTS_FAILED', 'elevenlabs');
    const c = await job([{ kind: 'url' }, { kind: 'rss' }, { kind: 'url' }]);
    await fail(c.id, 'scrape', 'SOURCE_UNREACHABLE');
    // Outside the window.
    await fail(c.id, 'scrape', 'SOURCE_EMPTY');
    await ops.db.jobEvent.updateMany({
      where: { jobId: c.id, type: 'stage_failed', data: { path: ['code'], equals: 'SOURCE_EMPTY' } },
      data: { createdAt: new Date(Date.now() - 3 * 3_600_000) },
    });

    const res = await request(ops.app).get('/v1/admin/failures?hours=2').set(admin).expect(200);
    expect(
      res.body.items.map(
        (g: {
          stage: string;
          code: string;
          provider: string;
          attempts: number;
          jobs: number;
          jobsFailed: number;
        }) => [g.stage, g.code, g.provider, g.attempts, g.jobs, g.jobsFailed],
      ),
    ).toEqual([
      ['script', 'RATE_LIMITED', 'anthropic', 3, 2, 1],
      ['scrape', 'SOURCE_UNREACHABLE', 'rss,url', 1, 1, 0],
      ['audio', 'TTS_FAILED', 'elevenlabs', 1, 1, 0],
    ]);
    expect(res.body.items[0].example).toMatchObject({ jobId: b.id, message: `RATE_LIMITED in ${b.id}` });
    expect(new URL(res.body.items[0].example.historyUrl).pathname).toBe(`/v1/jobs/${b.id}/history`);
    const wider = await request(ops.app).get('/v1/admin/failures?hours=4&limit=1').set(admin).expect(200);
    expect(wider.body.items).toHaveLength(1);
    const all = await request(ops.app).get('/v1/admin/failures?hours=4').set(admin).expect(200);
    expect(all.body.items.map((g: { code: string }) => g.code)).toContain('SOURCE_EMPTY');
    await request(ops.app).get('/v1/admin/failures?hours=0').set(admin).expect(400);
  });
});

describe('GET /v1/stats', () => {
  it('reports jobs by status, success rate, stage durations, queue counts, cache hit rate and cost', async () => {
    const { user } = await t.createUser();
    await makeJob(t.db, user.id, 'completed');
    await makeJob(t.db, user.id, 'failed');
    await t.db.job.updateMany({ where: { userId: user.id }, data: { costUsd: 0.25 } });
    // The counters the cache lookups of every replica add to (POST /v1/episodes tests drive them for real).
    await t.redis.incrby(cacheCounterKey(env.prefix, 'hit'), 2);
    await t.redis.incr(cacheCounterKey(env.prefix, 'fallback'));
    await t.redis.incr(cacheCounterKey(env.prefix, 'miss'));
    const res = await request(t.app).get('/v1/stats').set(admin).expect(200);
    const allTime = res.body.periods.find((p: { period: string }) => p.period === 'all_time');
    expect(allTime.jobs.completed).toBeGreaterThanOrEqual(1);
    expect(allTime.jobs.failed).toBeGreaterThanOrEqual(1);
    expect(allTime.successRate).toBeGreaterThan(0);
    expect(allTime.successRate).toBeLessThan(1);
    expect(allTime.costUsd).toBeGreaterThanOrEqual(0.5);
    expect(res.body.periods.map((p: { period: string }) => p.period)).toContain('last_24h');
    expect(Object.keys(res.body.queues).sort()).toEqual([
      'audio',
      'clips',
      'maintenance',
      'pregenerate',
      'scrape',
      'script',
      'upload',
      'webhooks',
    ]);
    expect(res.body.queues.scrape).toHaveProperty('waiting');
    expect(res.body.cache).toEqual({ hits: 2, fallbacks: 1, misses: 1, hitRate: 3 / 4 });
    expect(res.body.pregeneration).toMatchObject({ lastRun: null, runs: [] });
    expect(res.body.costPerUserPerDay.avgUsd).toBeGreaterThan(0);
    expect(res.body.timeToFirstAudio).toHaveProperty('p95Ms');
  });
});

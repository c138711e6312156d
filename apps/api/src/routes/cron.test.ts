// POST /v1/cron/pregenerate and the figures it and the cache feed into GET /v1/stats and /metrics.
// Pre-generation targets every user and the stats add up every job, so this file runs on a
// database of its own, with the clock pinned years ahead of the rows other files write.
import type { User } from '@podfleet/db';
import { stageJobId } from '@podfleet/queue';
import { waitFor } from '@podfleet/test-kit';
import request from 'supertest';
import { makeEpisode, makeJob } from '../../test/fixtures';
import {
  ADMIN_KEY,
  bearer,
  createScratchDatabase,
  startTestApi,
  type TestApi,
  testEnv,
} from '../../test/harness';

// Monday 11 March 2030, 03:00 UTC.
const NOW = new Date('2030-03-11T03:00:00Z');
const TODAY = '2030-03-11';
const DAY = 86_400_000;
const CRON_SECRET = 'cron-secret-for-tests-0123456789';

const env = testEnv(process.env, 'cron');
let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
let t: TestApi;
beforeAll(async () => {
  scratch = await createScratchDatabase(env, 'cron');
  t = await startTestApi(
    { ...env, databaseUrl: scratch.url },
    {
      clock: () => NOW,
      settings: { cronSecret: CRON_SECRET },
    },
  );
});
afterAll(async () => {
  await t?.close();
  await scratch?.drop();
});

const sources = [{ kind: 'text', title: 'Canal news', text: 'The Erie Canal opened in 1825.' }];
const seen = new Date(NOW.getTime() - DAY);

async function user(
  data: Partial<Pick<User, 'dailyEnabled' | 'pregenerateTier' | 'timezone'>> & {
    sources?: unknown[];
    lastSeenAt?: Date | null;
  },
) {
  const made = await t.createUser({ sources: data.sources ?? sources });
  await t.db.user.update({
    where: { id: made.user.id },
    data: {
      lastSeenAt: data.lastSeenAt === undefined ? seen : data.lastSeenAt,
      ...(data.dailyEnabled === undefined ? {} : { dailyEnabled: data.dailyEnabled }),
      ...(data.pregenerateTier ? { pregenerateTier: data.pregenerateTier } : {}),
      ...(data.timezone ? { timezone: data.timezone } : {}),
    },
  });
  return made;
}

const cron = (headers: Record<string, string> = {}) =>
  request(t.app).post('/v1/cron/pregenerate').set(headers);

describe('POST /v1/cron/pregenerate', () => {
  let fleet: Record<
    'active' | 'partial' | 'inactive' | 'off' | 'noSources' | 'broken' | 'done',
    { user: User; key: string }
  >;

  beforeAll(async () => {
    fleet = {
      active: await user({}),
      partial: await user({ pregenerateTier: 'partial' }),
      inactive: await user({ lastSeenAt: null }),
      off: await user({ dailyEnabled: false }),
      noSources: await user({ sources: [] }),
      broken: await user({ timezone: 'Mars/Olympus_Mons' }),
      done: await user({}),
    };
    await makeEpisode(t.db, t.storage, fleet.done.user.id, { type: 'daily', localDate: TODAY });
  });

  it('wants Bearer CRON_SECRET: 401 for anyone else, the admin key included, and runs nothing', async () => {
    const basic = { Authorization: `Basic ${Buffer.from(`cron:${CRON_SECRET}`).toString('base64')}` };
    for (const headers of [
      {},
      bearer(fleet.active.key),
      bearer(ADMIN_KEY),
      bearer(`${CRON_SECRET}x`),
      bearer(CRON_SECRET.slice(0, -1)),
      basic,
    ]) {
      const res = await cron(headers).expect(401);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.headers['www-authenticate']).toBe('Bearer realm="podfleet"');
    }
    expect(await t.db.job.count({ where: { pregenerated: true } })).toBe(0);
  });

  it('is off (404) when CRON_SECRET is not set', async () => {
    const off = await startTestApi(
      { ...testEnv(process.env, 'cron-off'), databaseUrl: scratch.url },
      { clock: () => NOW, settings: { cronSecret: undefined } },
    );
    try {
      const res = await request(off.app).post('/v1/cron/pregenerate').set(bearer(CRON_SECRET)).expect(404);
      expect(res.body.detail).toMatch(/CRON_SECRET is not set/);
    } finally {
      await off.close();
    }
    expect(await t.db.job.count({ where: { pregenerated: true } })).toBe(0);
  });

  it('runs targeting now and answers the counts; low-priority jobs, never twice for a user and day', async () => {
    const res = await cron(bearer(CRON_SECRET)).expect(200);
    expect(res.body).toMatchObject({
      mode: 'all',
      at: NOW.toISOString(),
      total: 7,
      successful: 2,
      failed: 1,
      skipped: 4,
      deferred: 0,
      skippedByReason: { inactive: 1, disabled: 1, 'no-sources': 1, 'already-generated': 1 },
      errors: [
        { userId: fleet.broken.user.id, kind: 'daily', message: expect.stringMatching(/time ?zone/i) },
      ],
    });
    const jobs = await t.db.job.findMany({ where: { pregenerated: true } });
    expect(jobs.map((j) => j.userId).sort()).toEqual([fleet.active.user.id, fleet.partial.user.id].sort());
    for (const job of jobs) {
      expect(job).toMatchObject({ priority: 'low', cacheKey: `podcast:${job.userId}:daily:${TODAY}` });
      expect(job.partial).toBe(job.userId === fleet.partial.user.id);
      const scrape = await t.api.pipeline.queues.scrape.getJob(stageJobId(job.id, 1, 'scrape'));
      expect(scrape?.opts.priority).toBe(10); // after every on-demand job
    }

    const again = await cron(bearer(CRON_SECRET)).expect(200);
    expect(again.body).toMatchObject({ total: 7, successful: 0, failed: 1, skipped: 6 });
    expect(again.body.skippedByReason['already-generated']).toBe(3);
    expect(await t.db.job.count({ where: { pregenerated: true } })).toBe(2);
  });
});

describe('GET /v1/stats and /metrics: cache, pre-generation, cost per user per day, time to first audio', () => {
  beforeAll(async () => {
    // Two on-demand jobs of one user today, their episodes published 10 s and 30 s after the
    // request; two pre-generated ones of another user (their cost counts; nobody requested them,
    // so they have no time to first audio): one published yesterday, one failed today.
    const a = await user({});
    const b = await user({});
    const jobs = [
      {
        userId: a.user.id,
        at: NOW.getTime() - 60 * 60_000,
        publishedAfterMs: 10_000,
        costUsd: 0.2,
        pre: false,
      },
      {
        userId: a.user.id,
        at: NOW.getTime() - 50 * 60_000,
        publishedAfterMs: 30_000,
        costUsd: 0.4,
        pre: false,
      },
      {
        userId: b.user.id,
        at: NOW.getTime() - 23 * 3_600_000,
        publishedAfterMs: 1_000_000,
        costUsd: 0.3,
        pre: true,
      },
    ];
    for (const spec of jobs) {
      const { job } = await makeEpisode(t.db, t.storage, spec.userId);
      await t.db.job.update({
        where: { id: job.id },
        data: {
          createdAt: new Date(spec.at),
          completedAt: new Date(spec.at + spec.publishedAfterMs),
          costUsd: spec.costUsd,
          pregenerated: spec.pre,
        },
      });
      if (!spec.pre) {
        await t.db.episodeRequest.create({
          data: {
            userId: spec.userId,
            type: 'custom',
            source: 'generated',
            jobId: job.id,
            requestedAt: new Date(spec.at),
            answerMs: 4,
          },
        });
      }
    }
    const failed = await makeJob(t.db, b.user.id, 'failed');
    await t.db.job.update({
      where: { id: failed.id },
      data: { createdAt: new Date(NOW.getTime() - 2 * 3_600_000), pregenerated: true },
    });
    // Cache lookups: a miss (a job is made), a database fallback, then a Redis hit.
    const miss = await user({});
    await request(t.app).post('/v1/episodes').set(bearer(miss.key)).send({ type: 'daily' }).expect(202);
    const cached = await user({});
    await makeEpisode(t.db, t.storage, cached.user.id, { type: 'daily', localDate: TODAY });
    for (const expected of ['fallback', 'hit']) {
      const res = await request(t.app).post('/v1/episodes').set(bearer(cached.key)).send({ type: 'daily' });
      expect(res.headers['x-podfleet-cache']).toBe(expected);
    }
    // The API records how each request was answered in the background.
    await waitFor(async () => (await t.db.episodeRequest.count({ where: { source: 'cache' } })) === 2, {
      what: 'the two cache answers recorded',
    });
  });

  it('/v1/stats has the cache hit rate, the recent runs, cost per user per day and time to first audio', async () => {
    const res = await request(t.app).get('/v1/stats').set(bearer(ADMIN_KEY)).expect(200);
    const body = res.body;
    expect(body.cache).toEqual({ hits: 1, fallbacks: 1, misses: 1, hitRate: 2 / 3 });
    expect(body.pregeneration.lastRun).toMatchObject({
      at: NOW.toISOString(),
      successful: 0,
      failed: 1,
      skipped: 6,
      errorCount: 1,
    });
    expect(body.pregeneration.recent).toEqual({
      runs: 2,
      total: 14,
      successful: 2,
      failed: 2,
      skipped: 10,
      deferred: 0,
    });
    expect(body.pregeneration.runs).toHaveLength(2);
    expect(body.pregeneration.outcomes).toEqual({
      since: new Date(NOW.getTime() - DAY).toISOString(),
      jobs: 2,
      completed: 1,
      failed: 1,
      cancelled: 0,
      inFlight: 0,
      successRate: 0.5,
    });
    expect(body.costPerUserPerDay).toEqual({
      since: '2030-03-05T00:00:00.000Z',
      userDays: 3,
      avgUsd: 0.3,
      maxUsd: 0.6,
      days: [
        { day: '2030-03-10', users: 1, jobs: 1, costUsd: 0.3, avgUsdPerUser: 0.3 },
        { day: '2030-03-11', users: 2, jobs: 3, costUsd: 0.6, avgUsdPerUser: 0.3 },
      ],
    });
    // From the request to the audio URL: 10 s and 30 s for the generated episodes, the answer
    // itself for the two cache hits; the miss's job has not completed.
    const { timeToFirstAudio: ttfa } = body;
    expect(ttfa).toMatchObject({ since: new Date(NOW.getTime() - DAY).toISOString(), count: 4 });
    expect(ttfa.bySource).toMatchObject({
      generated: { count: 2, p50Ms: 20_000, p95Ms: 29_000 },
      cache: { count: 2 },
      joined: { count: 0, p50Ms: null, p95Ms: null },
    });
    expect(ttfa.bySource.cache.p95Ms).toBeLessThan(5_000);
    expect(ttfa.p95Ms).toBeGreaterThan(20_000);
  });

  it('/v1/stats history has each UTC day, from its roll-up once its rows are gone', async () => {
    await t.db.jobDailyStats.create({
      data: {
        day: new Date('2030-03-09T00:00:00Z'),
        jobs: 7,
        completed: 5,
        failed: 2,
        cancelled: 0,
        pregeneratedCompleted: 1,
        pregeneratedFailed: 1,
        costUsd: 1.5,
        jobP50Ms: 1_000,
        jobP95Ms: 2_000,
        requests: 3,
        firstAudioP50Ms: 10,
        firstAudioP95Ms: 20,
      },
    });
    const res = await request(t.app).get('/v1/stats?days=3').set(bearer(ADMIN_KEY)).expect(200);
    const { history } = res.body;
    expect(history.since).toBe('2030-03-09');
    expect(
      history.days.map((d: { day: string; jobs: number; requests: number; rolledUp: boolean }) => [
        d.day,
        d.jobs,
        d.requests,
        d.rolledUp,
      ]),
    ).toEqual([
      ['2030-03-09', 7, 3, true],
      ['2030-03-10', 1, 0, false],
      ['2030-03-11', 3, 4, false],
    ]);
    expect(history.days[2]).toMatchObject({
      completed: 2,
      failed: 1,
      pregeneratedFailed: 1,
      jobP50Ms: 20_000,
    });
    await request(t.app).get('/v1/stats?days=0').set(bearer(ADMIN_KEY)).expect(400);
  });

  it('/metrics exposes the same figures, fleet-wide', async () => {
    const text = (await request(t.app).get('/metrics').expect(200)).text;
    const value = (series: string) => {
      const line = text.split('\n').find((l) => l.startsWith(`${series} `));
      if (!line) throw new Error(`${series} not in /metrics`);
      return Number(line.slice(series.length + 1));
    };
    expect(value('podfleet_cache_hits_total{source="redis"}')).toBe(1);
    expect(value('podfleet_cache_hits_total{source="database"}')).toBe(1);
    expect(value('podfleet_cache_misses_total')).toBe(1);
    expect(value('podfleet_cache_hit_ratio')).toBeCloseTo(2 / 3);
    expect(value('podfleet_pregeneration_jobs{outcome="successful"}')).toBe(0);
    expect(value('podfleet_pregeneration_jobs{outcome="failed"}')).toBe(1);
    expect(value('podfleet_pregeneration_jobs{outcome="skipped"}')).toBe(6);
    expect(value('podfleet_pregeneration_jobs{outcome="deferred"}')).toBe(0);
    expect(value('podfleet_pregeneration_skipped_users{reason="already-generated"}')).toBe(3);
    expect(value('podfleet_pregeneration_last_run_timestamp_seconds')).toBe(NOW.getTime() / 1000);
    expect(value('podfleet_time_to_first_audio_seconds{quantile="0.95"}')).toBeGreaterThan(20);
    expect(value('podfleet_time_to_first_audio_jobs_24h')).toBe(4);
    expect(value('podfleet_pregeneration_outcomes{outcome="completed"}')).toBe(1);
    expect(value('podfleet_pregeneration_outcomes{outcome="failed"}')).toBe(1);
    expect(value('podfleet_pregeneration_success_ratio')).toBe(0.5);
    expect(value('podfleet_cost_per_user_day_usd{stat="avg"}')).toBeCloseTo(0.3);
    expect(value('podfleet_cost_per_user_day_usd{stat="max"}')).toBeCloseTo(0.6);
  });
});

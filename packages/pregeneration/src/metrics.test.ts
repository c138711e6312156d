import { createJobWithStages, type Job } from '@podfleet/db';
import { createEpisode, createTestContext, createUser, type TestContext } from '../test/context';
import type { PregenerationSummary } from './metrics';
import {
  costPerUserPerDay,
  listPregenerationRuns,
  pregenerationOutcomes,
  recordPregenerationRun,
  timeToFirstAudio,
} from './metrics';

const summary = (i: number): PregenerationSummary => ({
  mode: 'scheduled',
  at: new Date(Date.UTC(2026, 10, 1, i)).toISOString(),
  total: i,
  successful: i,
  failed: 0,
  skipped: 0,
  deferred: 0,
  skippedByReason: {
    disabled: 0,
    'not-local-hour': 0,
    'no-sources': 0,
    inactive: 0,
    'over-quota': 0,
    'already-generated': 0,
  },
  errors: Array.from({ length: i % 8 }, (_, n) => ({
    userId: `u${n}`,
    kind: 'daily' as const,
    message: 'boom',
  })),
  durationMs: 5,
});

describe('metrics', () => {
  let t: TestContext;
  beforeAll(async () => {
    t = await createTestContext();
  });
  afterAll(async () => {
    await t.close();
  });

  it('keeps the last 30 run summaries, newest first, with their first errors', async () => {
    for (let i = 1; i <= 32; i++) await recordPregenerationRun(t.ctx.redis, t.ctx.prefix, summary(i));
    const runs = await listPregenerationRuns(t.ctx.redis, t.ctx.prefix);
    expect(runs.map((r) => r.total)).toEqual(Array.from({ length: 30 }, (_, n) => 32 - n));
    expect(runs[1]).toMatchObject({ total: 31, errorCount: 7 });
    expect(runs[1]!.errors).toHaveLength(5);
    expect(await listPregenerationRuns(t.ctx.redis, t.ctx.prefix, 2)).toHaveLength(2);
  });

  it('sums cost per user and UTC day', async () => {
    await t.db.user.deleteMany(); // the run's other suites share this database
    const [a, b] = [await createUser(t.db), await createUser(t.db)];
    const job = async (
      userId: string,
      createdAt: string,
      costUsd: number,
      audioAfterMs: number | null,
      pregenerated = false,
    ) => {
      const j = await createJobWithStages(t.db, { userId, type: 'custom', request: {}, pregenerated });
      await t.db.job.update({ where: { id: j.id }, data: { createdAt: new Date(createdAt), costUsd } });
      if (audioAfterMs !== null) {
        await t.db.jobStage.update({
          where: { jobId_stage: { jobId: j.id, stage: 'audio' } },
          data: { status: 'completed', finishedAt: new Date(new Date(createdAt).getTime() + audioAfterMs) },
        });
      }
    };
    await job(a.id, '2026-11-25T23:00:00Z', 0.25, 1_000);
    await job(a.id, '2026-11-25T10:00:00Z', 0.5, 3_000);
    await job(a.id, '2026-11-26T01:00:00Z', 1, null);
    await job(b.id, '2026-11-26T02:00:00Z', 2, 2_000);
    await job(b.id, '2026-11-26T02:30:00Z', 4, 60_000, true);

    const costs = await costPerUserPerDay(t.db, { since: new Date('2026-11-25T00:00:00Z') });
    expect(costs).toEqual(
      expect.arrayContaining([
        { userId: a.id, day: '2026-11-25', jobs: 2, costUsd: 0.75 },
        { userId: a.id, day: '2026-11-26', jobs: 1, costUsd: 1 },
        { userId: b.id, day: '2026-11-26', jobs: 2, costUsd: 6 },
      ]),
    );
    expect(costs).toHaveLength(3);
    expect(
      await costPerUserPerDay(t.db, {
        since: new Date('2026-11-26T00:00:00Z'),
        until: new Date('2026-11-26T02:00:00Z'),
      }),
    ).toEqual([{ userId: a.id, day: '2026-11-26', jobs: 1, costUsd: 1 }]);
  });

  it('measures time to first audio from the request to an audio URL, cache hits included', async () => {
    await t.db.user.deleteMany();
    const user = await createUser(t.db);
    const at = (iso: string) => new Date(iso);
    // A job that published its episode at 10:00:02, one that failed, one still running.
    const done = await createEpisode(t.db, { userId: user.id, type: 'custom', localDate: null });
    await t.db.job.update({ where: { id: done.jobId }, data: { completedAt: at('2026-11-26T10:00:02Z') } });
    const other = (status: Job['status']) =>
      createJobWithStages(t.db, { userId: user.id, type: 'daily', request: {} }).then((j) =>
        t.db.job.update({ where: { id: j.id }, data: { status } }),
      );
    const failed = await other('failed');
    const running = await other('running');
    const request = (source: string, requestedAt: string, answerMs: number, jobId: string | null = null) =>
      t.db.episodeRequest.create({
        data: { userId: user.id, type: 'daily', source, jobId, requestedAt: at(requestedAt), answerMs },
      });
    await request('cache', '2026-11-26T09:00:00Z', 5);
    await request('cache', '2026-11-26T09:30:00Z', 15);
    await request('generated', '2026-11-26T10:00:00Z', 20, done.jobId); // 2 000 ms to the audio URL
    await request('joined', '2026-11-26T10:00:00.500Z', 3, done.jobId); // 1 500 ms
    await request('generated', '2026-11-26T10:00:00Z', 20, failed.id); // never had audio
    await request('generated', '2026-11-26T10:00:00Z', 20, running.id); // not yet
    await request('cache', '2026-11-25T08:00:00Z', 999); // before the window

    const ttfa = await timeToFirstAudio(t.db, { since: at('2026-11-26T00:00:00Z') });
    expect(ttfa).toEqual({
      count: 4,
      p50Ms: 757.5, // 5, 15, 1 500, 2 000
      p95Ms: expect.closeTo(1925, 6),
      avgMs: 880,
      bySource: {
        cache: { count: 2, p50Ms: 10, p95Ms: 14.5 },
        generated: { count: 1, p50Ms: 2000, p95Ms: 2000 },
        joined: { count: 1, p50Ms: 1500, p95Ms: 1500 },
      },
    });
    expect(await timeToFirstAudio(t.db, { since: at('2026-12-01T00:00:00Z') })).toEqual({
      count: 0,
      p50Ms: null,
      p95Ms: null,
      avgMs: null,
      bySource: {
        cache: { count: 0, p50Ms: null, p95Ms: null },
        generated: { count: 0, p50Ms: null, p95Ms: null },
        joined: { count: 0, p50Ms: null, p95Ms: null },
      },
    });
  });

  it('counts what became of pre-generated jobs, not how many were submitted', async () => {
    await t.db.user.deleteMany();
    const user = await createUser(t.db);
    const since = new Date(Date.now() - 60_000);
    for (const status of [
      'completed',
      'completed',
      'completed',
      'failed',
      'cancelled',
      'queued',
      'running',
    ] as const) {
      const job = await createJobWithStages(t.db, {
        userId: user.id,
        type: 'daily',
        request: {},
        pregenerated: true,
      });
      await t.db.job.update({ where: { id: job.id }, data: { status } });
    }
    await createJobWithStages(t.db, { userId: user.id, type: 'daily', request: {} }); // on demand
    const old = await createJobWithStages(t.db, {
      userId: user.id,
      type: 'daily',
      request: {},
      pregenerated: true,
    });
    await t.db.job.update({
      where: { id: old.id },
      data: { status: 'failed', createdAt: new Date(since.getTime() - 1) },
    });

    expect(await pregenerationOutcomes(t.db, { since })).toEqual({
      jobs: 7,
      completed: 3,
      failed: 1,
      cancelled: 1,
      inFlight: 2,
      successRate: 0.75,
    });
    expect(await pregenerationOutcomes(t.db, { since: new Date(Date.now() + 60_000) })).toMatchObject({
      jobs: 0,
      successRate: null,
    });
  });
});

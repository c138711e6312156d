import { createJobWithStages } from '@podfleet/db';
import { createTestContext, createUser, type TestContext } from '../test/context';
import {
  costPerUserPerDay,
  listPregenerationRuns,
  recordPregenerationRun,
  timeToFirstAudio,
} from './metrics';
import type { PregenerationSummary } from './run';

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

  it('sums cost per user and UTC day, and measures time to first audio', async () => {
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

    const since = new Date('2026-11-01T00:00:00Z');
    expect(await timeToFirstAudio(t.db, { since })).toEqual({
      count: 3,
      p50Ms: 2_000,
      p95Ms: 2_900,
      avgMs: 2_000,
    });
    expect(await timeToFirstAudio(t.db, { since, includePregenerated: true })).toMatchObject({
      count: 4,
      p50Ms: 2_500,
    });
    expect(await timeToFirstAudio(t.db, { since: new Date('2026-12-01T00:00:00Z') })).toEqual({
      count: 0,
      p50Ms: null,
      p95Ms: null,
      avgMs: null,
    });
  });
});

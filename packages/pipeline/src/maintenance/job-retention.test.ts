import { createEpisodeOnce, createJobWithStages, type Job, type PrismaClient } from '@podfleet/db';
import { readDailyFigures } from '../operations/daily-figures';
import { createTestContext, type TestContext } from '../testing';
import { purgeOldJobs } from './job-retention';
import { workerMaintenance } from './schedule';

const NOW = new Date('2026-12-07T05:00:00Z');
// With 90 days kept, everything created before 2026-09-08 goes.
const at = (iso: string) => new Date(iso);

async function job(
  db: PrismaClient,
  userId: string,
  spec: {
    createdAt: string;
    status: Job['status'];
    tookMs?: number;
    costUsd?: number;
    pregenerated?: boolean;
  },
): Promise<Job> {
  const made = await createJobWithStages(db, {
    userId,
    type: 'daily',
    request: {},
    pregenerated: spec.pregenerated ?? false,
  });
  const createdAt = at(spec.createdAt);
  return db.job.update({
    where: { id: made.id },
    data: {
      status: spec.status,
      createdAt,
      costUsd: spec.costUsd ?? 0,
      completedAt: spec.tookMs === undefined ? null : new Date(createdAt.getTime() + spec.tookMs),
    },
  });
}

describe('purgeOldJobs', () => {
  let t: TestContext;
  beforeAll(async () => {
    t = await createTestContext();
    await t.db.user.deleteMany(); // it deletes by age across the whole database
    await t.db.jobDailyStats.deleteMany();
  });
  afterAll(async () => {
    await t.close();
  });

  it('rolls each old day up, then deletes its jobs, stage rows, events, deliveries and requests', async () => {
    const { db } = t;
    const { id: userId } = await db.user.create({ data: { email: 'retention@example.test' } });
    // 1 September: four jobs. The first two go; one whose episode is still stored and one still
    // running stay (and are counted in the day's roll-up all the same).
    const published = await job(db, userId, {
      createdAt: '2026-09-01T10:00:00Z',
      status: 'completed',
      tookMs: 30_000,
      costUsd: 0.1,
      pregenerated: true,
    });
    const failed = await job(db, userId, {
      createdAt: '2026-09-01T11:00:00Z',
      status: 'failed',
      costUsd: 0.2,
    });
    const kept = await job(db, userId, {
      createdAt: '2026-09-01T12:00:00Z',
      status: 'completed',
      tookMs: 60_000,
      costUsd: 0.3,
    });
    const { episode } = await createEpisodeOnce(db, kept.id, {
      userId,
      type: 'daily',
      title: 'Kept',
      description: 'Still stored',
      audioKey: `jobs/${kept.id}/episode.mp3`,
      sizeBytes: 10,
      durationSec: 1,
    });
    await db.job.update({ where: { id: kept.id }, data: { episodeId: episode.id } });
    const running = await job(db, userId, { createdAt: '2026-09-01T13:00:00Z', status: 'running' });
    await db.jobEvent.create({
      data: { jobId: published.id, type: 'completed', createdAt: at('2026-09-01T10:00:30Z') },
    });
    await db.webhookDelivery.create({
      data: {
        jobId: published.id,
        webhookUrl: 'https://example.test/hook',
        event: 'job.completed',
        attempt: 1,
        statusCode: 204,
        requestBody: {},
        createdAt: at('2026-09-01T10:00:31Z'),
      },
    });
    const request = (source: string, requestedAt: string, answerMs: number, jobId: string | null = null) =>
      db.episodeRequest.create({
        data: { userId, type: 'daily', source, jobId, requestedAt: at(requestedAt), answerMs },
      });
    await request('cache', '2026-09-01T09:00:00Z', 5);
    await request('generated', '2026-09-01T12:00:00Z', 20, kept.id); // 60 s to its audio URL
    // 31 August: only a cache hit. 8 September, the first day kept: one job.
    await request('cache', '2026-08-31T23:00:00Z', 7);
    const recent = await job(db, userId, {
      createdAt: '2026-09-08T01:00:00Z',
      status: 'completed',
      tookMs: 1_000,
    });

    const window = { since: at('2026-08-31T00:00:00Z'), until: at('2026-09-08T00:00:00Z') };
    const before = await readDailyFigures(db, window);
    expect(before.map((d) => [d.day, d.jobs, d.requests, d.rolledUp])).toEqual([
      ['2026-08-31', 0, 1, false],
      ['2026-09-01', 4, 2, false],
      ['2026-09-08', 1, 0, false],
    ]);
    expect(before[1]).toMatchObject({
      completed: 2,
      failed: 1,
      cancelled: 0,
      pregeneratedCompleted: 1,
      pregeneratedFailed: 0,
      costUsd: expect.closeTo(0.6, 9),
      jobP50Ms: 45_000,
      jobP95Ms: 58_500,
      firstAudioP50Ms: 30_002.5,
    });

    const result = await purgeOldJobs(t.ctx, { now: NOW, retentionDays: 90, batchSize: 1 });
    expect(result).toEqual({
      before: '2026-09-08T00:00:00.000Z',
      daysRolledUp: 2,
      jobs: 2,
      webhookDeliveries: 1,
      episodeRequests: 3,
    });
    const left = await db.job.findMany({ where: { userId }, select: { id: true } });
    expect(left.map((j) => j.id).sort()).toEqual([kept.id, running.id, recent.id].sort());
    for (const gone of [published.id, failed.id]) {
      expect(await db.jobStage.count({ where: { jobId: gone } })).toBe(0);
      expect(await db.jobEvent.count({ where: { jobId: gone } })).toBe(0);
    }
    expect(await db.episodeRequest.count({ where: { userId } })).toBe(0);

    // The history reads the same: old days from their roll-up, the kept day from its rows.
    const after = await readDailyFigures(db, window);
    expect(after).toEqual(before.map((d) => ({ ...d, rolledUp: d.day < '2026-09-08' })));

    // A later run finds nothing more: the kept jobs' day is rolled up once, never again.
    expect(await purgeOldJobs(t.ctx, { now: NOW, retentionDays: 90 })).toMatchObject({
      daysRolledUp: 0,
      jobs: 0,
      webhookDeliveries: 0,
      episodeRequests: 0,
    });
    expect(await readDailyFigures(db, window)).toEqual(after);
  });

  it('runs as part of the daily maintenance cleanup, after the episode cleanup, when a retention is set', async () => {
    const { db } = t;
    const { id: userId } = await db.user.create({ data: { email: 'retention-task@example.test' } });
    const old = await job(db, userId, {
      createdAt: new Date(Date.now() - 200 * 86_400_000).toISOString(),
      status: 'failed',
    });
    const order: string[] = [];
    const cleanupTask = (jobRetentionDays?: number) => {
      const maintenance = workerMaintenance(t.ctx, {
        ...(jobRetentionDays === undefined ? {} : { jobRetentionDays }),
        handlers: {
          cleanup: async () => {
            order.push(
              `episodes (job still there: ${(await db.job.count({ where: { id: old.id } })) === 1})`,
            );
            return 'expired episodes removed';
          },
        },
      });
      const run = maintenance.processor as unknown as (payload: { task: 'cleanup' }) => Promise<unknown>;
      return run({ task: 'cleanup' });
    };

    expect(await cleanupTask()).toEqual({ episodes: 'expired episodes removed', jobs: { skipped: true } });
    // At least this test's job: other packages' suites run at the same time on the run's database,
    // and a purge by age takes their old jobs too.
    const { episodes, jobs } = (await cleanupTask(90)) as {
      episodes: string;
      jobs: { daysRolledUp: number; jobs: number };
    };
    expect(episodes).toBe('expired episodes removed');
    expect(jobs.jobs).toBeGreaterThanOrEqual(1);
    expect(jobs.daysRolledUp).toBeGreaterThanOrEqual(1);
    expect(order).toEqual(['episodes (job still there: true)', 'episodes (job still there: true)']);
    expect(await db.job.count({ where: { id: old.id } })).toBe(0);
  });
  it("keeps an old re-render job while its episode lives: it holds one of the episode's versions", async () => {
    const { db } = t;
    const { id: userId } = await db.user.create({ data: { email: 'retention-rerender@example.test' } });
    const made = await job(db, userId, {
      createdAt: '2026-07-01T10:00:00Z',
      status: 'completed',
      tookMs: 1_000,
    });
    const { episode } = await createEpisodeOnce(db, made.id, {
      userId,
      type: 'daily',
      title: 'Re-rendered',
      description: 'Version 2 is current',
      audioKey: `jobs/${made.id}/episode.mp3`,
      sizeBytes: 10,
      durationSec: 1,
    });
    const rerender = await job(db, userId, {
      createdAt: '2026-07-02T10:00:00Z',
      status: 'completed',
      tookMs: 1_000,
    });
    await db.job.update({ where: { id: rerender.id }, data: { episodeId: episode.id } });
    await purgeOldJobs(t.ctx, { now: NOW, retentionDays: 90 });
    expect(await db.job.count({ where: { id: { in: [made.id, rerender.id] } } })).toBe(2);
    // Once the episode is gone (its link cleared), the job goes like any other.
    await db.episode.delete({ where: { id: episode.id } });
    await purgeOldJobs(t.ctx, { now: NOW, retentionDays: 90 });
    expect(await db.job.count({ where: { id: rerender.id } })).toBe(0);
  });
});

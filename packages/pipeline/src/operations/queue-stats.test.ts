import { createJobWithStages, type PrismaClient, type Stage } from '@podfleet/db';
import { createTestContext, type TestContext } from '../testing';
import { oldestWaitingByStage, readQueueStats } from './queue-stats';

const MINUTE = 60_000;
const ago = (ms: number) => new Date(Date.now() - ms);

/** A job in the given state, its stage rows as listed (the others pending). */
async function job(
  db: PrismaClient,
  userId: string,
  spec: {
    status?: 'queued' | 'running' | 'completed';
    enqueuedAt: Date | null;
    stages?: Partial<Record<Stage, { status: 'completed' | 'running'; finishedAt?: Date }>>;
  },
) {
  const created = await createJobWithStages(db, { userId, type: 'custom', request: {} });
  await db.job.update({
    where: { id: created.id },
    data: { status: spec.status ?? 'queued', enqueuedAt: spec.enqueuedAt },
  });
  for (const [stage, row] of Object.entries(spec.stages ?? {})) {
    await db.jobStage.update({
      where: { jobId_stage: { jobId: created.id, stage: stage as Stage } },
      data: { status: row.status, finishedAt: row.finishedAt ?? null },
    });
  }
  return created;
}

describe('queue stats', () => {
  let t: TestContext;
  beforeAll(async () => {
    t = await createTestContext();
    await t.db.user.deleteMany(); // every queued job of the database counts
  });
  afterAll(async () => {
    await t.close();
  });

  it('measures how long each stage queue has kept its oldest job waiting, from the job rows', async () => {
    const { id: userId } = await t.db.user.create({ data: { email: 'queue-stats@example.test' } });
    // Enqueued two hours ago; its scrape finished an hour ago: waiting for script since then.
    await job(t.db, userId, {
      status: 'running',
      enqueuedAt: ago(120 * MINUTE),
      stages: { scrape: { status: 'completed', finishedAt: ago(60 * MINUTE) } },
    });
    // Enqueued ten minutes ago: waiting for scrape.
    await job(t.db, userId, { enqueuedAt: ago(10 * MINUTE) });
    // Not waiting: a stage runs; waiting for a user slot (not in a queue); finished.
    await job(t.db, userId, {
      status: 'running',
      enqueuedAt: ago(300 * MINUTE),
      stages: { scrape: { status: 'running' } },
    });
    await job(t.db, userId, { enqueuedAt: null });
    await job(t.db, userId, { status: 'completed', enqueuedAt: ago(500 * MINUTE) });

    const oldest = await oldestWaitingByStage(t.db);
    expect(Object.keys(oldest).sort()).toEqual(['scrape', 'script']);
    expect(oldest.script).toBeGreaterThanOrEqual(3600);
    expect(oldest.script).toBeLessThan(3700);
    expect(oldest.scrape).toBeGreaterThanOrEqual(600);
    expect(oldest.scrape).toBeLessThan(700);
  });

  it('reads every queue: BullMQ counts, the last hour, and the oldest waiting job', async () => {
    // A webhook delivery added a minute ago that no worker took.
    await t.ctx.queues.webhooks.add(
      'deliver',
      { jobId: 'j1', event: 'job.completed', url: 'https://example.test/hook' },
      { timestamp: Date.now() - MINUTE },
    );
    const stats = await readQueueStats(t.db, t.ctx.queues, Date.now());
    expect(Object.keys(stats).sort()).toEqual([
      'audio',
      'clips',
      'maintenance',
      'pregenerate',
      'scrape',
      'script',
      'upload',
      'webhooks',
    ]);
    expect(stats.webhooks).toMatchObject({
      waiting: 1,
      active: 0,
      completedLastHour: 0,
      completedPerMinute: 0,
      failedLastHour: 0,
    });
    expect(stats.webhooks.oldestWaitingSec).toBeGreaterThanOrEqual(60);
    expect(stats.webhooks.oldestWaitingSec).toBeLessThan(120);
    expect(stats.script.oldestWaitingSec).toBeGreaterThanOrEqual(3600);
    expect(stats.audio.oldestWaitingSec).toBe(0);
    expect(stats.maintenance.oldestWaitingSec).toBe(0);
  });
});

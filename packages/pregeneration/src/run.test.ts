import { stageJobId } from '@podfleet/queue';
import { createTestContext, createUser, type TestContext } from '../test/context';
import { listPregenerationRuns } from './metrics';
import { runPregeneration } from './run';
import { pregenerateProcessor } from './scheduler';

const T_UTC = new Date('2026-11-26T03:00:00Z');
const seen = new Date('2026-11-25T20:00:00Z');

describe('runPregeneration (no workers: jobs stay in the queue)', () => {
  let t: TestContext;
  beforeEach(async () => {
    t = await createTestContext();
    await t.db.user.deleteMany();
  });
  afterEach(async () => {
    await t.close();
  });

  async function fleetOfUsers() {
    return {
      utc: await createUser(t.db, { name: 'utc' }, seen),
      partial: await createUser(t.db, { name: 'partial', pregenerateTier: 'partial' }, seen),
      other: await createUser(t.db, { name: 'other' }, seen),
      tokyo: await createUser(t.db, { name: 'tokyo', timezone: 'Asia/Tokyo' }, seen),
      inactive: await createUser(t.db, { name: 'inactive', lastSeenAt: null }),
      dailyOff: await createUser(t.db, { name: 'dailyOff', dailyEnabled: false }, seen),
      noSources: await createUser(t.db, { name: 'noSources', sources: [] }, seen),
    };
  }

  it('enqueues low-priority jobs for the targets, partial ones ending at the script, and counts every decision', async () => {
    const users = await fleetOfUsers();
    const result = await runPregeneration(t.ctx, { now: T_UTC, mode: 'scheduled' });
    expect(result).toMatchObject({
      mode: 'scheduled',
      total: 7,
      successful: 3,
      failed: 0,
      skipped: 4,
      deferred: 0,
      errors: [],
      skippedByReason: {
        'not-local-hour': 1,
        inactive: 1,
        disabled: 1,
        'no-sources': 1,
        'already-generated': 0,
      },
    });

    const jobs = await t.db.job.findMany({ orderBy: { createdAt: 'asc' } });
    expect(jobs.map((j) => j.userId).sort()).toEqual([users.utc.id, users.partial.id, users.other.id].sort());
    for (const job of jobs) {
      expect(job).toMatchObject({
        pregenerated: true,
        priority: 'low',
        type: 'daily',
        status: 'queued',
        run: 1,
      });
      expect(job.cacheKey).toBe(`podcast:${job.userId}:daily:2026-11-26`);
      expect(job.partial).toBe(job.userId === users.partial.id);
      const scrape = await t.ctx.queues.scrape.getJob(stageJobId(job.id, 1, 'scrape'));
      expect(scrape?.opts.priority).toBe(10); // PRIORITY_LEVELS.low: after every on-demand job
      const upload = await t.ctx.queues.upload.getJob(stageJobId(job.id, 1, 'upload'));
      const script = await t.ctx.queues.script.getJob(stageJobId(job.id, 1, 'script'));
      expect(script).toBeDefined();
      // The partial job's flow ends with its script stage.
      expect(upload === undefined).toBe(job.partial);
    }

    const [stored] = await listPregenerationRuns(t.ctx.redis, t.ctx.prefix);
    expect(stored).toMatchObject({ mode: 'scheduled', at: T_UTC.toISOString(), total: 7, successful: 3 });
  });

  it('never generates the same user and day twice: a second run, and two runs at once', async () => {
    await fleetOfUsers();
    const [a, b] = await Promise.all([
      runPregeneration(t.ctx, { now: T_UTC, mode: 'all' }),
      runPregeneration(t.ctx, { now: T_UTC, mode: 'all' }),
    ]);
    expect(a.successful + b.successful).toBe(4);
    expect(a.skippedByReason['already-generated'] + b.skippedByReason['already-generated']).toBe(4);
    const again = await runPregeneration(t.ctx, { now: new Date(T_UTC.getTime() + 3_600_000), mode: 'all' });
    expect(again).toMatchObject({ successful: 0, failed: 0, skipped: 7 });
    expect(again.skippedByReason['already-generated']).toBe(4);
    expect(await t.db.job.count()).toBe(4);
    const keys = (await t.db.job.findMany({ select: { cacheKey: true } })).map((j) => j.cacheKey);
    expect(new Set(keys).size).toBe(4);
  });

  it('counts a target whose submission fails, with its error, and goes on with the others', async () => {
    const good = await createUser(t.db, { name: 'good' }, seen);
    const broken = await createUser(t.db, { name: 'broken', timezone: 'Mars/Olympus_Mons' }, seen);
    const result = await runPregeneration(t.ctx, { now: T_UTC, mode: 'all' });
    expect(result).toMatchObject({ total: 2, successful: 1, failed: 1, skipped: 0 });
    expect(result.errors).toEqual([
      { userId: broken.id, kind: 'daily', message: expect.stringMatching(/time ?zone/i) },
    ]);
    expect((await t.db.job.findMany()).map((j) => j.userId)).toEqual([good.id]);
  });

  it('bounds pre-generated jobs in flight: with no room the rest goes to a background job, which finishes it', async () => {
    await fleetOfUsers();
    const result = await runPregeneration(t.ctx, {
      now: T_UTC,
      mode: 'all',
      batchSize: 2,
      deferWhenFull: true,
    });
    // First batch: 2 jobs; then 2 are in flight (nothing runs them here) and there is no room for more.
    expect(result).toMatchObject({ total: 7, successful: 2, deferred: 2, skipped: 3 });
    expect(await t.db.job.count()).toBe(2);

    const continuation = await t.ctx.queues.pregenerate.getJob(`continue-all-${T_UTC.getTime()}`);
    expect(continuation?.data).toEqual({ trigger: 'api', requestedAt: T_UTC.toISOString() });

    // The worker takes it over; without waiting (batchWaitMs 0) it submits the rest anyway.
    const processor = pregenerateProcessor(t.ctx, { cron: '0 3 * * *', batchWaitMs: 0 });
    const rest = await processor(continuation!.data, continuation!, {
      logger: t.ctx.logger,
      signal: new AbortController().signal,
    });
    expect(rest).toMatchObject({ mode: 'all', successful: 2, deferred: 0 });
    expect((rest as { skippedByReason: Record<string, number> }).skippedByReason['already-generated']).toBe(
      2,
    );
    expect(await t.db.job.count()).toBe(4);
  });

  it('submits everything when it may not defer, however full the fleet is', async () => {
    await fleetOfUsers();
    const result = await runPregeneration(t.ctx, { now: T_UTC, mode: 'all', batchSize: 1 });
    expect(result).toMatchObject({ successful: 4, deferred: 0 });
  });
});

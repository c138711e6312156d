import { createQueues, type QueueSet } from '@podfleet/queue';
import { createTestContext, createUser, type TestContext } from '../test/context';
import {
  ensurePregenerationScheduler,
  PREGENERATION_SCHEDULER_ID,
  parsePregenerateCron,
  pregenerateProcessor,
} from './scheduler';

describe('parsePregenerateCron', () => {
  it('reads the hour field as the local hour to target and ticks hourly at the given minute', () => {
    expect(parsePregenerateCron('0 3 * * *')).toEqual({ localHour: 3, tickPattern: '0 * * * *' });
    expect(parsePregenerateCron(' 15  22 * * 1-5 ')).toEqual({ localHour: 22, tickPattern: '15 * * * 1-5' });
  });

  it('refuses an hour field that is not one hour', () => {
    expect(() => parsePregenerateCron('0 */2 * * *')).toThrow(/hour field must be one hour/);
    expect(() => parsePregenerateCron('0 24 * * *')).toThrow(/hour field/);
    expect(() => parsePregenerateCron('0 3 * *')).toThrow(/five fields/);
  });

  it("refuses what BullMQ's cron parser refuses, before BullMQ would throw inside scheduler set-up", () => {
    expect(() => parsePregenerateCron('61 3 * * *')).toThrow(/not a valid cron expression: .*61.*0-59/);
    expect(() => parsePregenerateCron('0 3 * * 8')).toThrow(/not a valid cron expression: .*8.*0-7/);
  });
});

describe('the pre-generation scheduler', () => {
  let t: TestContext;
  let replica: QueueSet;
  beforeAll(async () => {
    t = await createTestContext();
    replica = createQueues(t.ctx.redis, t.ctx.prefix);
  });
  afterAll(async () => {
    await Promise.all(Object.values(replica).map((q) => q.close()));
    await t.close();
  });

  it('is one scheduler per fleet however many replicas ensure it', async () => {
    await Promise.all([
      ensurePregenerationScheduler(t.ctx.queues, { cron: '0 3 * * *' }),
      ensurePregenerationScheduler(replica, { cron: '0 3 * * *' }),
      ensurePregenerationScheduler(replica, { cron: '0 3 * * *' }),
    ]);
    const schedulers = await t.ctx.queues.pregenerate.getJobSchedulers();
    expect(schedulers).toHaveLength(1);
    expect(schedulers[0]).toMatchObject({ key: PREGENERATION_SCHEDULER_ID, pattern: '0 * * * *', tz: 'UTC' });
    // Exactly one tick is waiting, at the top of an hour.
    const delayed = await t.ctx.queues.pregenerate.getDelayed();
    expect(delayed).toHaveLength(1);
    expect(delayed[0]!.opts.prevMillis! % 3_600_000).toBe(0);

    // Changing PREGENERATE_CRON updates the same scheduler.
    await ensurePregenerationScheduler(replica, { cron: '30 4 * * *' });
    const updated = await t.ctx.queues.pregenerate.getJobSchedulers();
    expect(updated.map((s) => [s.key, s.pattern])).toEqual([[PREGENERATION_SCHEDULER_ID, '30 * * * *']]);
  });

  it('a tick targets the users whose local hour is the cron hour at the tick’s scheduled time', async () => {
    await t.db.user.deleteMany();
    await t.ctx.queues.pregenerate.removeJobScheduler(PREGENERATION_SCHEDULER_ID);
    await ensurePregenerationScheduler(t.ctx.queues, { cron: '0 3 * * *' });
    const [tick] = await t.ctx.queues.pregenerate.getDelayed();
    const scheduledAt = tick!.opts.prevMillis!;
    // Etc/GMT-N is UTC+N: pick the zone where the tick falls at 03:00, and one an hour later.
    const utcHour = new Date(scheduledAt).getUTCHours();
    const zoneAtLocal = (hour: number) => {
      let offset = (((hour - utcHour) % 24) + 24) % 24;
      if (offset > 14) offset -= 24;
      return offset === 0 ? 'UTC' : `Etc/GMT${offset > 0 ? '-' : '+'}${Math.abs(offset)}`;
    };
    const seen = new Date(scheduledAt - 3_600_000);
    const atThree = await createUser(t.db, { timezone: zoneAtLocal(3) }, seen);
    await createUser(t.db, { timezone: zoneAtLocal(4) }, seen);

    const processor = pregenerateProcessor(t.ctx, { cron: '0 3 * * *', batchWaitMs: 0 });
    const result = await processor(tick!.data, tick!, {
      logger: t.ctx.logger,
      signal: new AbortController().signal,
    });
    expect(result).toMatchObject({
      mode: 'scheduled',
      at: new Date(scheduledAt).toISOString(),
      successful: 1,
      skippedByReason: { 'not-local-hour': 1 },
    });
    expect((await t.db.job.findMany()).map((j) => j.userId)).toEqual([atThree.id]);
  });
});

import { waitFor } from '@podfleet/test-kit';
import {
  contextPerTest,
  createUser,
  customRequest,
  forgetRedis,
  loseNextScheduledJob,
} from '../../test/maintenance';
import type { PipelineContext } from '../context';
import { submitEpisodeJob } from '../lifecycle';
import {
  ensureMaintenanceSchedulers,
  MAINTENANCE_SCHEDULER_IDS,
  type MaintenanceTask,
  maintenanceProcessor,
  schedulerWillFire,
  workerMaintenance,
} from './schedule';

describe('maintenance scheduling', () => {
  const t = contextPerTest();

  it('creates the four schedulers under fixed ids, and upserting again does not duplicate them', async () => {
    await ensureMaintenanceSchedulers(t.ctx.queues, { everyMs: 30_000 });
    await ensureMaintenanceSchedulers(t.ctx.queues, { everyMs: 30_000 });
    const schedulers = await t.ctx.queues.maintenance.getJobSchedulers();
    expect(schedulers.map((s) => s.key).sort()).toEqual(Object.values(MAINTENANCE_SCHEDULER_IDS).sort());
    const byId = Object.fromEntries(schedulers.map((s) => [s.key, s]));
    expect(byId[MAINTENANCE_SCHEDULER_IDS.reconcile]).toMatchObject({ every: 30_000 });
    expect(byId[MAINTENANCE_SCHEDULER_IDS.sweep]).toMatchObject({ every: 30_000 });
    expect(byId[MAINTENANCE_SCHEDULER_IDS.alerts]).toMatchObject({ every: 30_000 });
    expect(byId[MAINTENANCE_SCHEDULER_IDS.cleanup]).toMatchObject({ pattern: '17 4 * * *', tz: 'UTC' });
    expect(byId[MAINTENANCE_SCHEDULER_IDS.reconcile]?.template?.data).toEqual({ task: 'reconcile' });
  });

  it('routes each scheduled task to its handler on a real maintenance worker', async () => {
    const ran: MaintenanceTask[] = [];
    const handler = (task: MaintenanceTask) => async (_: PipelineContext) => {
      ran.push(task);
      return { task };
    };
    const runtime = t.startWorkers({
      maintenance: maintenanceProcessor(t.ctx, {
        reconcile: handler('reconcile'),
        sweep: handler('sweep'),
        cleanup: handler('cleanup'),
        alerts: handler('alerts'),
      }),
    });
    await runtime.ready;
    // `every` schedulers produce their first job at once.
    await ensureMaintenanceSchedulers(t.ctx.queues, { everyMs: 60_000 });
    await waitFor(
      () => ['reconcile', 'sweep', 'alerts'].every((task) => ran.includes(task as MaintenanceTask)),
      {
        what: 'the three periodic tasks',
      },
    );
    await waitFor(async () => (await t.ctx.queues.maintenance.getCompletedCount()) === 3, {
      what: 'the three jobs completed',
    });
    const done = await t.ctx.queues.maintenance.getCompleted();
    expect(done.map((j) => j.returnvalue).sort((a, b) => a.task.localeCompare(b.task))).toEqual([
      { task: 'alerts' },
      { task: 'reconcile' },
      { task: 'sweep' },
    ]);
  });

  it('in a worker: reconciles at start, and recovers at once when Redis loses its schedulers', async () => {
    const user = await createUser(t.ctx);
    const { job } = await submitEpisodeJob(t.ctx, { userId: user.id, request: customRequest() });
    const maintenance = workerMaintenance(t.ctx, { everyMs: 100 });
    const runtime = t.startWorkers({ maintenance: maintenance.processor });
    try {
      await runtime.ready;
      await maintenance.start();
      expect(
        await t.ctx.queues.maintenance.getJobScheduler(MAINTENANCE_SCHEDULER_IDS.reconcile),
      ).toBeDefined();

      await forgetRedis(t.ctx);
      // The watchdog re-creates the schedulers at its next tick; the job is re-enqueued by that
      // recovery or, if it changed less than two periods ago, by the next scheduled reconcile.
      const reenqueued = await waitFor(
        async () => {
          const row = await t.ctx.db.job.findUniqueOrThrow({ where: { id: job.id } });
          return row.run === 2 ? row : undefined;
        },
        { what: 'the lost job to be re-enqueued by the watchdog' },
      );
      expect(reenqueued.status).toBe('queued');
      expect(
        await t.ctx.queues.maintenance.getJobScheduler(MAINTENANCE_SCHEDULER_IDS.reconcile),
      ).toBeDefined();
      // The new run is recorded before its flow is added: wait for the flow, not only the row.
      await waitFor(
        async () =>
          ['waiting', 'prioritized'].includes(await t.ctx.queues.scrape.getJobState(`${job.id}.2.scrape`)),
        { what: 'the new run in Redis' },
      );
    } finally {
      maintenance.stop();
    }
  });

  it('recovers a scheduler that Redis kept without its next job (it would never fire again)', async () => {
    const ran: string[] = [];
    const maintenance = workerMaintenance(t.ctx, {
      everyMs: 200,
      handlers: {
        reconcile: async () => {
          ran.push('reconcile');
          return {};
        },
      },
    });
    const runtime = t.startWorkers({ maintenance: maintenance.processor });
    const { maintenance: queue } = t.ctx.queues;
    try {
      await runtime.ready;
      await maintenance.start();
      await waitFor(() => schedulerWillFire(queue, MAINTENANCE_SCHEDULER_IDS.reconcile), {
        what: 'the reconcile scheduler',
      });
      await loseNextScheduledJob(t.ctx, MAINTENANCE_SCHEDULER_IDS.reconcile);
      expect(await queue.getJobScheduler(MAINTENANCE_SCHEDULER_IDS.reconcile)).toBeDefined();
      expect(await schedulerWillFire(queue, MAINTENANCE_SCHEDULER_IDS.reconcile)).toBe(false);
      const runsAtLoss = ran.length;
      // The watchdog sees it stalled and re-creates it: reconciles run again.
      await waitFor(() => ran.length >= runsAtLoss + 3, { what: 'reconciles after the recovery' });
      expect(await schedulerWillFire(queue, MAINTENANCE_SCHEDULER_IDS.reconcile)).toBe(true);
    } finally {
      maintenance.stop();
    }
  });

  it("ensures the app's own schedulers with its own, again after Redis lost them, retrying a failed start", async () => {
    const APP_SCHEDULER = 'test-app-scheduler';
    let calls = 0;
    const ensureSchedulers = async () => {
      calls += 1;
      if (calls === 1) throw new Error('Redis hiccup');
      await t.ctx.queues.pregenerate.upsertJobScheduler(
        APP_SCHEDULER,
        { pattern: '0 3 * * *', tz: 'UTC' },
        { name: 'test', data: { trigger: 'schedule' } as never },
      );
    };
    const maintenance = workerMaintenance(t.ctx, { everyMs: 100, ensureSchedulers });
    const runtime = t.startWorkers({ maintenance: maintenance.processor });
    const present = async () =>
      (await t.ctx.queues.pregenerate.getJobScheduler(APP_SCHEDULER)) !== undefined &&
      (await t.ctx.queues.maintenance.getJobScheduler(MAINTENANCE_SCHEDULER_IDS.reconcile)) !== undefined;
    try {
      await runtime.ready;
      await maintenance.start(); // the app's schedulers fail: nothing is half made, the watchdog retries
      await waitFor(present, { what: 'the schedulers after the failed start' });
      expect(calls).toBe(2);

      await forgetRedis(t.ctx);
      // At least once more: on a loaded machine the watchdog may look again before this poll does.
      await waitFor(async () => calls >= 3 && (await present()), {
        what: "the app's scheduler re-created after Redis forgot it",
      });
    } finally {
      maintenance.stop();
    }
  });
});

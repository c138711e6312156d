// When maintenance runs: BullMQ job schedulers on the `maintenance` queue (one job per tick for
// the whole fleet, visible in Bull Board), re-created by every worker at start, plus a watchdog in
// each worker that notices when Redis lost them (restarted empty, flushed) and recovers at once.
import { jobOptionsFor, type MaintenancePayload, type QueueProcessor, type QueueSet } from '@podfleet/queue';
import type { RepeatOptions } from 'bullmq';
import type { PipelineContext } from '../context';
import { type AlertSettings, checkAlerts } from './alerts';
import { purgeOldJobs } from './job-retention';
import { reconcile } from './reconciler';
import { sweepStuckJobs } from './sweeper';

export type MaintenanceTask = MaintenancePayload['task'];

/** Fixed scheduler ids: upserting them again replaces, never duplicates. */
export const MAINTENANCE_SCHEDULER_IDS: Readonly<Record<MaintenanceTask, string>> = {
  reconcile: 'maintenance-reconcile',
  sweep: 'maintenance-sweep',
  cleanup: 'maintenance-cleanup',
  alerts: 'maintenance-alerts',
};

export interface MaintenanceScheduleOptions {
  /** Reconcile and sweep period. Default one minute. */
  everyMs?: number;
  /** Cron pattern (UTC) of the daily cleanup. Default 04:17. */
  cleanupPattern?: string;
}

export const DEFAULT_MAINTENANCE_EVERY_MS = 60_000;

/** Creates or updates the maintenance schedulers. Idempotent; safe from every worker at once. */
export async function ensureMaintenanceSchedulers(
  queues: Pick<QueueSet, 'maintenance'>,
  options: MaintenanceScheduleOptions = {},
): Promise<void> {
  const every = options.everyMs ?? DEFAULT_MAINTENANCE_EVERY_MS;
  const opts = jobOptionsFor('maintenance');
  const queue = queues.maintenance;
  const upsert = (task: MaintenanceTask, repeat: RepeatOptions) =>
    queue.upsertJobScheduler(MAINTENANCE_SCHEDULER_IDS[task], repeat, { name: task, data: { task }, opts });
  for (const task of ['reconcile', 'sweep', 'alerts'] as const) await upsert(task, { every });
  await upsert('cleanup', { pattern: options.cleanupPattern ?? '17 4 * * *', tz: 'UTC' });
}

/** BullMQ's id of the job scheduler `id` runs at `next` (JobScheduler.getSchedulerNextJobId). */
export const scheduledJobId = (id: string, next: number) => `repeat:${id}:${next}`;

/**
 * Whether scheduler `id` will fire again: it exists and so does its next job. A Redis that lost
 * some writes (a failover from a lagging replica) can keep the one without the other, and such a
 * scheduler never fires again. Read twice: its next job may have just run, moving `next` on.
 */
export async function schedulerWillFire(queue: QueueSet['maintenance'], id: string): Promise<boolean> {
  for (let read = 0; read < 2; read++) {
    const scheduler = await queue.getJobScheduler(id);
    if (!scheduler?.next) return false;
    if (await queue.getJob(scheduledJobId(id, scheduler.next))) return true;
  }
  return false;
}

/** One function per maintenance task; its result is stored as the BullMQ job's return value. */
export type MaintenanceHandlers = Record<MaintenanceTask, (ctx: PipelineContext) => Promise<unknown>>;

/**
 * The `maintenance` queue's processor. Reconcile and sweep default to reconcile() and
 * sweepStuckJobs() with their default options; the daily cleanup (expired episodes, orphaned
 * artifacts) belongs to retention and is passed in by whoever owns it; without one the task is
 * a logged no-op.
 */
export function maintenanceProcessor(
  ctx: PipelineContext,
  handlers: Partial<MaintenanceHandlers> = {},
): QueueProcessor<'maintenance'> {
  const all: MaintenanceHandlers = {
    reconcile: (c) => reconcile(c),
    sweep: (c) => sweepStuckJobs(c),
    cleanup: async (c) => {
      c.logger.info('no cleanup handler configured; nothing to do');
      return { skipped: true };
    },
    alerts: async () => ({ skipped: true }), // no ALERT_WEBHOOK_URL
    ...handlers,
  };
  return (payload) => all[payload.task](ctx);
}

export interface WorkerMaintenanceOptions extends MaintenanceScheduleOptions {
  /** Overrides of the task handlers (e.g. the retention cleanup). */
  handlers?: Partial<MaintenanceHandlers>;
  /**
   * JOB_RETENTION_DAYS: after its own cleanup handler (expired episodes), the daily cleanup rolls
   * up and deletes the jobs of the days older than this. Unset or 0: jobs are kept.
   */
  jobRetentionDays?: number;
  /** ALERT_*: the alerts task checks and posts at every tick; unset, it does nothing. */
  alerts?: AlertSettings;
  /**
   * The app's own schedulers (e.g. nightly pre-generation): created with the maintenance ones at
   * start and again whenever Redis turns out to have lost them.
   */
  ensureSchedulers?: () => Promise<void>;
}

export interface WorkerMaintenance {
  /** Register under `maintenance` in the worker's processors. */
  processor: QueueProcessor<'maintenance'>;
  /** After the workers are ready: (re)creates the schedulers, reconciles once, starts the watchdog. */
  start(): Promise<void>;
  /** Stops the watchdog (before the workers close). */
  stop(): void;
}

/**
 * Maintenance as one worker process runs it. The reconciler leaves alone jobs updated within
 * two periods (see ReconcileOptions.graceMs). The watchdog checks every period that the reconcile
 * scheduler will still fire (it and its next job exist): if not, Redis lost data, so the
 * schedulers are re-created and a reconcile runs at once instead of waiting for a worker restart.
 */
export function workerMaintenance(
  ctx: PipelineContext,
  options: WorkerMaintenanceOptions = {},
): WorkerMaintenance {
  const everyMs = options.everyMs ?? DEFAULT_MAINTENANCE_EVERY_MS;
  const runReconcile = (c: PipelineContext) => reconcile(c, { graceMs: 2 * everyMs });
  const cleanupEpisodes = options.handlers?.cleanup;
  const { jobRetentionDays } = options;
  // Episodes first: a job whose episode just expired can go with its day.
  const cleanup = async (c: PipelineContext) => ({
    episodes: cleanupEpisodes ? await cleanupEpisodes(c) : { skipped: true },
    jobs: jobRetentionDays
      ? await purgeOldJobs(c, { now: new Date(), retentionDays: jobRetentionDays })
      : { skipped: true },
  });
  const { alerts } = options;
  const handlers = {
    reconcile: runReconcile,
    ...(alerts ? { alerts: (c: PipelineContext) => checkAlerts(c, alerts) } : {}),
    ...options.handlers,
    cleanup,
  };
  const schedule = { everyMs, ...(options.cleanupPattern ? { cleanupPattern: options.cleanupPattern } : {}) };
  let timer: NodeJS.Timeout | undefined;

  const recover = async (why: string) => {
    // The app's schedulers first: the watchdog looks for the reconcile scheduler, so a recovery
    // that failed halfway is retried at its next tick.
    await options.ensureSchedulers?.();
    await ensureMaintenanceSchedulers(ctx.queues, schedule);
    const result = await handlers.reconcile(ctx);
    ctx.logger.info({ why, result }, 'maintenance: schedulers ensured, reconciled');
  };
  const watch = async () => {
    if (!(await schedulerWillFire(ctx.queues.maintenance, MAINTENANCE_SCHEDULER_IDS.reconcile))) {
      ctx.logger.warn('maintenance schedulers are gone or stalled (Redis lost data); recovering');
      await recover('schedulers missing');
    }
  };

  return {
    processor: maintenanceProcessor(ctx, handlers),
    async start() {
      await recover('worker start').catch((err: unknown) =>
        ctx.logger.error({ err }, 'maintenance at start failed; the schedulers will retry'),
      );
      timer = setInterval(() => {
        watch().catch((err: unknown) => ctx.logger.warn({ err }, 'maintenance watchdog check failed'));
      }, everyMs);
      timer.unref();
    },
    stop() {
      clearInterval(timer);
    },
  };
}

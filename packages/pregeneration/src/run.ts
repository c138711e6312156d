// One pre-generation run: targeting, then low-priority jobs submitted in batches. Before each
// batch the run waits (up to `batchWaitMs`) until the fleet's pre-generated jobs still queued or
// running leave room for it under `maxInFlight`, so a night's worth of jobs never floods Redis
// and the API's queue-depth backpressure: on-demand requests keep going first.
import { episodeRequestSchema, type PipelineContext, submitEpisodeJob } from '@podfleet/pipeline';
import { addJob } from '@podfleet/queue';
import { type PregenerationSummary, recordPregenerationRun } from './metrics';
import {
  type ActivityRule,
  type PregenerationMode,
  type PregenerationTarget,
  SKIP_REASONS,
  type SkipReason,
  selectPregenerationTargets,
} from './targeting';

export interface RunOptions {
  /** The clock of the run: targeting, periods and cache keys all derive from it. */
  now: Date;
  mode: PregenerationMode;
  /** Jobs submitted per batch (default 50). */
  batchSize?: number;
  /** Most pre-generated jobs queued or running at once, fleet-wide (default: batchSize). */
  maxInFlight?: number;
  /** How long to wait for room before a batch (default 0: do not wait). */
  batchWaitMs?: number;
  /** Poll interval while waiting for room (default 1 s). */
  pollMs?: number;
  /**
   * When there is no room in time: true hands the remaining targets to a `pregenerate` job
   * (the worker, which may wait) and returns; false submits anyway. Default false.
   */
  deferWhenFull?: boolean;
  localHour?: number;
  activity?: Partial<ActivityRule>;
  quotaBytes?: number;
  /** STORAGE_QUOTA_BYTES: a full fleet makes every candidate `over-quota`. */
  fleetQuotaBytes?: number;
}

/** Runs targeting and submits the jobs; records the summary in Redis (see listPregenerationRuns). */
export async function runPregeneration(
  ctx: PipelineContext,
  options: RunOptions,
): Promise<PregenerationSummary> {
  const startedAt = Date.now();
  const { now, mode } = options;
  const batchSize = Math.max(1, options.batchSize ?? 50);
  const maxInFlight = Math.max(batchSize, options.maxInFlight ?? batchSize);
  const { targets, skipped } = await selectPregenerationTargets(ctx.db, {
    now,
    mode,
    ...(options.localHour === undefined ? {} : { localHour: options.localHour }),
    ...(options.activity ? { activity: options.activity } : {}),
    ...(options.quotaBytes === undefined ? {} : { quotaBytes: options.quotaBytes }),
    ...(options.fleetQuotaBytes === undefined ? {} : { fleetQuotaBytes: options.fleetQuotaBytes }),
  });

  const summary: PregenerationSummary = {
    mode,
    at: now.toISOString(),
    total: 0,
    successful: 0,
    failed: 0,
    skipped: 0,
    deferred: 0,
    skippedByReason: Object.fromEntries(SKIP_REASONS.map((r) => [r, 0])) as Record<SkipReason, number>,
    errors: [],
    durationMs: 0,
  };
  const skip = (reason: SkipReason) => {
    summary.skipped += 1;
    summary.skippedByReason[reason] += 1;
  };
  for (const s of skipped) skip(s.reason);

  for (let start = 0; start < targets.length; start += batchSize) {
    const batch = targets.slice(start, start + batchSize);
    const room = await waitForRoom(ctx, maxInFlight - batch.length, options);
    if (!room && options.deferWhenFull) {
      await deferRemaining(ctx, now, mode);
      summary.deferred = targets.length - start;
      break;
    }
    for (const target of batch) {
      try {
        if (await submitTarget(ctx, target, now)) summary.successful += 1;
        else skip('already-generated');
      } catch (err) {
        summary.failed += 1;
        const message = err instanceof Error ? err.message : String(err);
        summary.errors.push({ userId: target.user.id, kind: target.kind, message });
        ctx.logger.warn({ err, userId: target.user.id, kind: target.kind }, 'pre-generation submit failed');
      }
    }
  }
  summary.total = summary.successful + summary.failed + summary.skipped + summary.deferred;
  summary.durationMs = Date.now() - startedAt;
  await recordPregenerationRun(ctx.redis, ctx.prefix, summary).catch((err: unknown) =>
    ctx.logger.warn({ err }, 'could not record the pre-generation run'),
  );
  ctx.logger.info({ ...summary, errors: summary.errors.length }, 'pre-generation run finished');
  return summary;
}

/** Pre-generated jobs anywhere in the fleet that are queued or running. */
export function pregeneratedInFlight(ctx: PipelineContext): Promise<number> {
  return ctx.db.job.count({ where: { pregenerated: true, status: { in: ['queued', 'running'] } } });
}

/** Waits until at most `limit` pre-generated jobs are in flight; false when `batchWaitMs` ran out first. */
async function waitForRoom(
  ctx: PipelineContext,
  limit: number,
  options: Pick<RunOptions, 'batchWaitMs' | 'pollMs'>,
): Promise<boolean> {
  const deadline = Date.now() + (options.batchWaitMs ?? 0);
  for (;;) {
    if ((await pregeneratedInFlight(ctx)) <= limit) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 1000));
  }
}

/**
 * Submits one target unless its period already has a queued, running or completed job. The
 * check and the submit hold a transaction-scoped advisory lock on the cache key, so two runs
 * at once (the schedule and the cron endpoint, two replicas) cannot both submit it.
 * Returns false when it was already generated.
 */
async function submitTarget(ctx: PipelineContext, target: PregenerationTarget, now: Date): Promise<boolean> {
  return ctx.db.$transaction(
    async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`podfleet:pregenerate:${target.cacheKey}`}))`;
      const existing = await tx.job.findFirst({
        where: { cacheKey: target.cacheKey, status: { in: ['queued', 'running', 'completed'] } },
        select: { id: true },
      });
      if (existing) return false;
      // submitEpisodeJob commits on its own connections; this lock is held until it returns.
      const { deduplicated } = await submitEpisodeJob(ctx, {
        userId: target.user.id,
        request: episodeRequestSchema.parse({ type: target.kind, priority: 'low' }),
        pregenerated: true,
        partial: target.tier === 'partial',
        now,
      });
      return !deduplicated;
    },
    { maxWait: 10_000, timeout: 60_000 },
  );
}

/** Hands the rest of the run to the worker: a `pregenerate` job re-runs targeting at the same `now`. */
async function deferRemaining(ctx: PipelineContext, now: Date, mode: PregenerationMode): Promise<void> {
  await addJob(
    ctx.queues,
    'pregenerate',
    { trigger: mode === 'all' ? 'api' : 'schedule', requestedAt: now.toISOString() },
    { jobId: `continue-${mode}-${now.getTime()}` },
  );
}

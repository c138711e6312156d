// The fleet's pre-generation clock. PREGENERATE_CRON (`M H dom mon dow`, default `0 3 * * *`)
// reads as "at minute M, make episodes for the users whose LOCAL hour is H": the scheduler
// ticks every hour at minute M (`M * dom mon dow`, evaluated in `tz`, UTC by default), and each
// tick runs targeting in `scheduled` mode with localHour H. Every timezone, including the
// half-hour ones, passes through local hour H once a day, so each user is reached once a day at
// roughly H o'clock local time. H must be a single hour (0–23). The scheduler id is fixed, so
// however many replicas call ensurePregenerationScheduler there is one schedule per fleet, and
// BullMQ gives each tick one job id, so one replica runs it.
import { cronPatternProblem, pregenerationLocalHour } from '@podfleet/config';
import type { PipelineContext } from '@podfleet/pipeline';
import type { QueueProcessor, QueueSet } from '@podfleet/queue';
import { type RunOptions, runPregeneration } from './run';

export const PREGENERATION_SCHEDULER_ID = 'pregenerate-hourly';

export interface PregenerationCron {
  /** The users' local hour to target (the cron's hour field). */
  localHour: number;
  /** What the scheduler runs: the cron with its hour field replaced by `*`. */
  tickPattern: string;
}

export function parsePregenerateCron(cron: string): PregenerationCron {
  const fields = cron.trim().split(/\s+/);
  if (fields.length !== 5)
    throw new Error(`PREGENERATE_CRON "${cron}": expected five fields (M H dom mon dow)`);
  const [minute, hour, ...days] = fields as [string, string, string, string, string];
  const localHour = pregenerationLocalHour(hour);
  if (localHour === null) {
    throw new Error(
      `PREGENERATE_CRON "${cron}": the hour field must be one hour 0-23 (the users' local hour to target), got "${hour}"`,
    );
  }
  // Refused here rather than by upsertJobScheduler, which throws deep inside scheduler set-up.
  const problem = cronPatternProblem(fields.join(' '));
  if (problem) throw new Error(`PREGENERATE_CRON "${cron}": not a valid cron expression: ${problem}`);
  return { localHour, tickPattern: [minute, '*', ...days].join(' ') };
}

/** Creates or updates the one pre-generation job scheduler of the fleet. */
export async function ensurePregenerationScheduler(
  queues: Pick<QueueSet, 'pregenerate'>,
  { cron, tz = 'UTC' }: { cron: string; tz?: string },
): Promise<PregenerationCron & { schedulerId: string }> {
  const parsed = parsePregenerateCron(cron);
  await queues.pregenerate.upsertJobScheduler(
    PREGENERATION_SCHEDULER_ID,
    { pattern: parsed.tickPattern, tz },
    {
      name: 'pregenerate',
      // The processor uses each tick's own scheduled time, not this template timestamp.
      data: { trigger: 'schedule', requestedAt: new Date(0).toISOString() },
    },
  );
  return { ...parsed, schedulerId: PREGENERATION_SCHEDULER_ID };
}

export type PregenerateProcessorOptions = Omit<RunOptions, 'now' | 'mode' | 'localHour' | 'deferWhenFull'> & {
  /** PREGENERATE_CRON: its hour field is the local hour scheduled ticks target. */
  cron: string;
};

/**
 * The `pregenerate` queue's processor (scraper app). A scheduler tick runs `scheduled` mode at
 * the tick's scheduled time (so a late tick still targets the hour it was meant for); a job
 * with trigger `api` (the remainder of a cron-endpoint run) runs `all` at its `requestedAt`.
 * Here waiting for room is fine: by default up to 15 minutes per batch, then it submits anyway.
 */
export function pregenerateProcessor(
  ctx: PipelineContext,
  options: PregenerateProcessorOptions,
): QueueProcessor<'pregenerate'> {
  const { localHour } = parsePregenerateCron(options.cron);
  const { cron: _cron, ...runOptions } = options;
  return async (payload, job) => {
    const scheduledAt = job.opts.prevMillis;
    const now =
      payload.trigger === 'schedule' && scheduledAt ? new Date(scheduledAt) : new Date(payload.requestedAt);
    return runPregeneration(ctx, {
      batchWaitMs: 15 * 60_000,
      ...runOptions,
      now,
      mode: payload.trigger === 'schedule' ? 'scheduled' : 'all',
      localHour,
    });
  };
}

import type { Job } from '@podfleet/db';
import { type JobEvent, publishJobEvent } from '@podfleet/queue';
import type { PipelineContext } from './context';

type TerminalOrProgress = JobEvent['type'];

/**
 * Publishes a job's state to SSE listeners on every API replica. Best effort: the database is
 * the record (a listener that missed an event reads the job), so a Redis hiccup is only logged.
 */
export async function publishState(
  ctx: PipelineContext,
  job: Pick<
    Job,
    'id' | 'status' | 'phase' | 'progress' | 'currentStep' | 'errorCode' | 'errorMessage' | 'episodeId'
  >,
  type: TerminalOrProgress = 'progress',
): Promise<void> {
  try {
    await publishJobEvent(ctx.redis, ctx.prefix, job.id, {
      type,
      jobId: job.id,
      status: job.status,
      phase: job.phase,
      progress: job.progress,
      currentStep: job.currentStep,
      at: new Date().toISOString(),
      error: job.errorCode ? { code: job.errorCode, message: job.errorMessage ?? '' } : null,
      episodeId: job.episodeId,
    });
  } catch (err) {
    ctx.logger.warn({ err, jobId: job.id }, 'could not publish job event');
  }
}

import { completeJob, type Job } from '@podfleet/db';
import type { PipelineContext } from '../context';
import { publishState } from '../events';
import { onJobEnded } from '../job-end';

/**
 * The clips stage's finalize step: completes the job once its stage is recorded (its Clip rows
 * exist by then) and announces it. Idempotent: a job no longer active is left as it is.
 */
export async function completeClipsJob(ctx: PipelineContext, job: Job): Promise<void> {
  if (job.status !== 'queued' && job.status !== 'running') return;
  const completed = await completeJob(ctx.db, job.id);
  if (!completed) return;
  await publishState(ctx, completed, 'completed');
  await onJobEnded(ctx, completed);
}

import type { Job } from '@podfleet/db';
import { addJob } from '@podfleet/queue';
import { currentTraceparent } from '@podfleet/telemetry';
import type { PipelineContext } from './context';
import { promoteWaitingJobs, startClaimedJobs } from './lifecycle';

/**
 * After a job reaches completed or failed: queue its webhook (delivered with retries by the
 * uploader's `webhooks` worker) and give the user's free slot to their next waiting job: the
 * `claimed` ones when the job's end already claimed them (publishing does), else claimed here.
 * Failures here are logged, never thrown: the job's own outcome is already recorded.
 */
export async function onJobEnded(ctx: PipelineContext, job: Job, claimed?: Job[]): Promise<void> {
  await queueWebhook(ctx, job);
  await (claimed ? startClaimedJobs(ctx, claimed) : promoteWaitingJobs(ctx, job.userId)).catch(
    (err: unknown) => ctx.logger.error({ err, userId: job.userId }, 'could not promote waiting jobs'),
  );
}

/** Queues the job's end webhook, if it has a webhook URL; its id makes a second add a no-op. */
async function queueWebhook(ctx: PipelineContext, job: Job): Promise<void> {
  if (!job.webhookUrl || (job.status !== 'completed' && job.status !== 'failed')) return;
  const event = job.status === 'completed' ? 'job.completed' : 'job.failed';
  // The delivery joins the job's trace (the stage that ended it is the active span).
  const traceparent = currentTraceparent();
  await addJob(
    ctx.queues,
    'webhooks',
    { jobId: job.id, event, url: job.webhookUrl, ...(traceparent ? { traceparent } : {}) },
    { jobId: `${job.id}.${job.run}.${event}` },
  ).catch((err: unknown) => ctx.logger.error({ err, jobId: job.id }, 'could not queue the webhook'));
}

/**
 * For a job an earlier attempt completed, which may have died between committing the completion
 * and queueing the webhook: queues it unless a delivery attempt is recorded (it was queued then);
 * one queued but not yet tried has the same BullMQ id, so it is not added twice either.
 */
export async function queueWebhookIfUnsent(ctx: PipelineContext, job: Job): Promise<void> {
  if (!job.webhookUrl || job.status !== 'completed') return;
  const tried = await ctx.db.webhookDelivery.count({ where: { jobId: job.id, event: 'job.completed' } });
  if (tried === 0) await queueWebhook(ctx, job);
}

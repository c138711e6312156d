import { type PipelineContext, runStage, uploadStage } from '@podfleet/pipeline';
import type { QueueProcessor } from '@podfleet/queue';

export function uploadProcessor(ctx: PipelineContext): QueueProcessor<'upload'> {
  const work = uploadStage(ctx);
  return (payload, job, processor) => runStage(ctx, 'upload', payload, job, processor, work);
}

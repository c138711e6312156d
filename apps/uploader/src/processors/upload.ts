import { type PipelineContext, stageProcessor, uploadStage } from '@podfleet/pipeline';
import { warmEpisodeCache } from '@podfleet/pregeneration';
import type { QueueProcessor } from '@podfleet/queue';

export function uploadProcessor(ctx: PipelineContext): QueueProcessor<'upload'> {
  // Publishing an episode warms today's cache key so the next request is answered from Redis.
  const work = uploadStage(ctx, warmEpisodeCache);
  return stageProcessor(ctx, 'upload', work);
}

import { clipsStage } from '@podfleet/assembly';
import { type PipelineContext, stageProcessor } from '@podfleet/pipeline';
import type { QueueProcessor } from '@podfleet/queue';

/** The `clips` queue's processor: promo clips of an episode, rendered by ffmpeg child processes. */
export function clipsProcessor(ctx: PipelineContext): QueueProcessor<'clips'> {
  return stageProcessor(ctx, 'clips', clipsStage(ctx));
}

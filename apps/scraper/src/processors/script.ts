import type { ScraperConfig } from '@podfleet/config';
import { type PipelineContext, scriptStage, stageProcessor } from '@podfleet/pipeline';
import type { QueueProcessor } from '@podfleet/queue';
import { scriptWriterFor } from './script-writer';

export function scriptProcessor(ctx: PipelineContext, config: ScraperConfig): QueueProcessor<'script'> {
  const work = scriptStage(ctx, scriptWriterFor(config));
  return stageProcessor(ctx, 'script', work);
}

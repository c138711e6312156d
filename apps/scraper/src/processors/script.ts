import type { ScraperConfig } from '@podfleet/config';
import {
  type PipelineContext,
  publishScriptWriterLanguages,
  scriptStage,
  stageProcessor,
} from '@podfleet/pipeline';
import type { QueueProcessor } from '@podfleet/queue';
import { scriptWriterFor } from './script-writer';

export function scriptProcessor(ctx: PipelineContext, config: ScraperConfig): QueueProcessor<'script'> {
  const writer = scriptWriterFor(config);
  // In the background: the API refuses a language the writer cannot write once this is published.
  void publishScriptWriterLanguages(ctx, writer);
  return stageProcessor(ctx, 'script', scriptStage(ctx, writer));
}

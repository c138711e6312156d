import type { ScraperConfig } from '@podfleet/config';
import { type PipelineContext, scriptStage, stageProcessor } from '@podfleet/pipeline';
import { createScriptWriter } from '@podfleet/providers';
import type { QueueProcessor } from '@podfleet/queue';

export function scriptProcessor(ctx: PipelineContext, config: ScraperConfig): QueueProcessor<'script'> {
  const writer =
    config.SCRIPT_PROVIDER === 'anthropic'
      ? createScriptWriter({
          provider: 'anthropic',
          apiKey: config.ANTHROPIC_API_KEY!,
          model: config.ANTHROPIC_MODEL,
          timeoutMs: config.ANTHROPIC_TIMEOUT_MS,
          ...(config.ANTHROPIC_BASE_URL ? { baseURL: config.ANTHROPIC_BASE_URL } : {}),
        })
      : createScriptWriter({ provider: 'local' });
  const work = scriptStage(ctx, writer);
  return stageProcessor(ctx, 'script', work);
}

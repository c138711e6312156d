import type { ScraperConfig } from '@podfleet/config';
import { type PipelineContext, scrapeStage, stageProcessor } from '@podfleet/pipeline';
import type { QueueProcessor } from '@podfleet/queue';

export function scrapeProcessor(ctx: PipelineContext, config: ScraperConfig): QueueProcessor<'scrape'> {
  const work = scrapeStage(ctx, {
    fetch: { allowPrivate: config.ALLOW_PRIVATE_SOURCE_URLS },
    congress: {
      baseUrl: config.CONGRESS_BASE_URL,
      ...(config.CONGRESS_API_KEY ? { apiKey: config.CONGRESS_API_KEY } : {}),
    },
  });
  return stageProcessor(ctx, 'scrape', work);
}

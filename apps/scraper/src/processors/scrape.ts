import type { ScraperConfig } from '@podfleet/config';
import { type PipelineContext, runStage, scrapeStage } from '@podfleet/pipeline';
import type { QueueProcessor } from '@podfleet/queue';

export function scrapeProcessor(ctx: PipelineContext, config: ScraperConfig): QueueProcessor<'scrape'> {
  const work = scrapeStage(ctx, {
    fetch: { allowPrivate: config.ALLOW_PRIVATE_SOURCE_URLS },
    congress: {
      baseUrl: config.CONGRESS_BASE_URL,
      ...(config.CONGRESS_API_KEY ? { apiKey: config.CONGRESS_API_KEY } : {}),
    },
  });
  return (payload, job, processor) => runStage(ctx, 'scrape', payload, job, processor, work);
}

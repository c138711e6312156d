import type { ScraperConfig } from '@podfleet/config';
import type { PipelineContext } from '@podfleet/pipeline';
import { pregenerateProcessor as createProcessor } from '@podfleet/pregeneration';
import type { QueueProcessor } from '@podfleet/queue';

export function pregenerateProcessor(
  ctx: PipelineContext,
  config: ScraperConfig,
): QueueProcessor<'pregenerate'> {
  return createProcessor(ctx, {
    cron: config.PREGENERATE_CRON,
    quotaBytes: config.USER_STORAGE_QUOTA_BYTES,
    fleetQuotaBytes: config.STORAGE_QUOTA_BYTES,
  });
}

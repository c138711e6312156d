import { loadConfigOrExit } from '@podfleet/config';
import { runWorkerApp } from '@podfleet/pipeline';
import { archiveOptions, ensurePregenerationScheduler, retentionCleanup } from '@podfleet/pregeneration';
import { pregenerateProcessor } from './processors/pregenerate';
import { scrapeProcessor } from './processors/scrape';
import { scriptProcessor } from './processors/script';

const config = loadConfigOrExit('scraper');

void runWorkerApp('scraper', config, (deps) => ({
  processors: {
    scrape: scrapeProcessor(deps.pipeline, config),
    script: scriptProcessor(deps.pipeline, config),
    pregenerate: pregenerateProcessor(deps.pipeline, config),
  },
  concurrency: { scrape: config.SCRAPE_CONCURRENCY, script: config.SCRIPT_CONCURRENCY },
  maintenanceHandlers: { cleanup: retentionCleanup(archiveOptions(config)) },
  // One scheduler per fleet whatever the number of replicas: its id is fixed (upsert). Ensured at
  // start and again by the maintenance watchdog when Redis lost it (restarted empty, flushed).
  ensureSchedulers: async () => {
    const { localHour } = await ensurePregenerationScheduler(deps.pipeline.queues, {
      cron: config.PREGENERATE_CRON,
    });
    deps.logger.info({ cron: config.PREGENERATE_CRON, localHour }, 'pre-generation scheduler ensured');
  },
}));

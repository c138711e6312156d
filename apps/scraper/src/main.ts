import { loadConfigOrExit } from '@podfleet/config';
import { createAppDependencies, runWorkerApp } from '@podfleet/pipeline';
import { scrapeProcessor } from './processors/scrape';
import { scriptProcessor } from './processors/script';

const config = loadConfigOrExit('scraper');
const deps = createAppDependencies('scraper', config);

void runWorkerApp({
  app: 'scraper',
  config,
  deps,
  processors: {
    scrape: scrapeProcessor(deps.pipeline, config),
    script: scriptProcessor(deps.pipeline, config),
  },
  concurrency: { scrape: config.SCRAPE_CONCURRENCY, script: config.SCRIPT_CONCURRENCY },
});

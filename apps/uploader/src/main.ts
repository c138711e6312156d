import { loadConfigOrExit } from '@podfleet/config';
import { runWorkerApp } from '@podfleet/pipeline';
import { archiveOptions, retentionCleanup } from '@podfleet/pregeneration';
import { uploadProcessor } from './processors/upload';
import { webhooksProcessor } from './processors/webhooks';

const config = loadConfigOrExit('uploader');

void runWorkerApp('uploader', config, (deps) => ({
  processors: { upload: uploadProcessor(deps.pipeline), webhooks: webhooksProcessor(deps.db, config) },
  maintenanceHandlers: { cleanup: retentionCleanup(archiveOptions(config)) },
  concurrency: { upload: config.UPLOAD_CONCURRENCY, webhooks: config.WEBHOOKS_CONCURRENCY },
}));

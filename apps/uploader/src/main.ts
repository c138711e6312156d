import { loadConfigOrExit } from '@podfleet/config';
import { createAppDependencies, runWorkerApp } from '@podfleet/pipeline';
import { retentionCleanup } from '@podfleet/pregeneration';
import { uploadProcessor } from './processors/upload';

const config = loadConfigOrExit('uploader');
const deps = createAppDependencies('uploader', config);

void runWorkerApp({
  app: 'uploader',
  config,
  deps,
  processors: { upload: uploadProcessor(deps.pipeline) },
  maintenanceHandlers: { cleanup: retentionCleanup() },
  concurrency: { upload: config.UPLOAD_CONCURRENCY },
});

import { loadConfigOrExit } from '@podfleet/config';
import { createAppDependencies, runWorkerApp } from '@podfleet/pipeline';
import { uploadProcessor } from './processors/upload';

const config = loadConfigOrExit('uploader');
const deps = createAppDependencies('uploader', config);

void runWorkerApp({
  app: 'uploader',
  config,
  deps,
  processors: { upload: uploadProcessor(deps.pipeline) },
  concurrency: { upload: config.UPLOAD_CONCURRENCY },
});

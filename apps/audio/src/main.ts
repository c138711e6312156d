import { setUpAudioStage } from '@podfleet/assembly';
import { loadConfigOrExit } from '@podfleet/config';
import { runWorkerApp } from '@podfleet/pipeline';
import { retentionCleanup } from '@podfleet/pregeneration';
import { audioProcessor, createTtsEngine } from './processors/audio';
import { clipsProcessor } from './processors/clips';

const config = loadConfigOrExit('audio');

void runWorkerApp('audio', config, (deps) => {
  const engine = createTtsEngine(deps.pipeline, config);
  return {
    processors: {
      audio: audioProcessor(deps.pipeline, config, engine),
      clips: clipsProcessor(deps.pipeline),
    },
    maintenanceHandlers: { cleanup: retentionCleanup() },
    concurrency: { audio: config.AUDIO_CONCURRENCY },
    // Readiness waits for it: no job (a new or autoscaled container's first) pays for the set-up.
    setUp: () => setUpAudioStage(engine),
    onClose: () => engine.close(),
  };
});

import { setUpAudioStage } from '@podfleet/assembly';
import { loadConfigOrExit } from '@podfleet/config';
import { createAppDependencies, runWorkerApp } from '@podfleet/pipeline';
import { retentionCleanup } from '@podfleet/pregeneration';
import { publishEngineVoices } from '@podfleet/tts';
import { audioProcessor, createTtsEngine } from './processors/audio';

const config = loadConfigOrExit('audio');
const deps = createAppDependencies('audio', config);
const engine = createTtsEngine(deps.pipeline, config);

void runWorkerApp({
  app: 'audio',
  config,
  deps,
  processors: { audio: audioProcessor(deps.pipeline, config, engine) },
  maintenanceHandlers: { cleanup: retentionCleanup() },
  concurrency: { audio: config.AUDIO_CONCURRENCY },
  // Readiness waits for it: no job (a new or autoscaled container's first) pays for the set-up.
  setUp: async () => {
    await setUpAudioStage(engine);
    await publishEngineVoices(deps.pipeline, engine);
  },
  onClose: () => engine.close(),
});

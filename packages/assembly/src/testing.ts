// Test wiring for this package's tests and its dependants' (`@podfleet/assembly/testing`): the
// pipeline's in-process stage workers with the real audio stage. Never used by production code.

import type { EpisodePublishedHook, PipelineContext, ScrapeOptions } from '@podfleet/pipeline';
import { type StageWorkers, startStageWorkers } from '@podfleet/pipeline/testing';
import type { ScriptWriter } from '@podfleet/providers';
import { makeTempDir } from '@podfleet/test-kit';
import { createClipCache, createEspeakEngine, type TtsEngine } from '@podfleet/tts';
import { audioStage } from './audio-stage';

/**
 * The four real stages as in-process workers, offline: the audio stage voices with WASM espeak
 * unless an engine is given (the caller then closes it), through a clip cache in a temporary
 * directory.
 */
export async function startEpisodeWorkers(
  ctx: PipelineContext,
  options: {
    engine?: TtsEngine;
    /** The script writer; default the offline one. */
    writer?: ScriptWriter;
    scrape?: Partial<ScrapeOptions>;
    onPublished?: EpisodePublishedHook;
  } = {},
): Promise<StageWorkers> {
  const clipsTmp = await makeTempDir('pf-clips-');
  const engine = options.engine ?? createEspeakEngine({ backend: 'wasm' });
  const audio = audioStage(ctx, {
    engine,
    cache: createClipCache(clipsTmp.dir),
    concurrency: 2,
    usdPer1000Characters: 0,
  });
  const workers = await startStageWorkers(ctx, {
    audio,
    scrape: options.scrape,
    ...(options.writer ? { writer: options.writer } : {}),
    onPublished: options.onPublished,
  });
  return {
    runtime: workers.runtime,
    async close() {
      await workers.close();
      if (!options.engine) await engine.close();
      await clipsTmp.remove();
    },
  };
}

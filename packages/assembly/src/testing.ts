// Test wiring for this package's tests and its dependants' (`@podfleet/assembly/testing`): the
// pipeline's in-process stage workers with the real audio stage. Never used by production code.

import type { EpisodePublishedHook, PipelineContext, ScrapeOptions } from '@podfleet/pipeline';
import { type StageWorkers, startStageWorkers } from '@podfleet/pipeline/testing';
import type { ScriptWriter } from '@podfleet/providers';
import { makeTempDir } from '@podfleet/test-kit';
import { createClipCache, createEspeakEngine, type TtsEngine } from '@podfleet/tts';
import { audioStage } from './audio-stage';
import { ffmpegPath, runTool } from './tools';

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

/**
 * What libavformat reads from a media file's headers: duration, video codec and size, audio codec
 * (ffmpeg -i, as ffprobe reads them; the npm ffprobe binary is not executable under pnpm).
 */
export async function probeMedia(file: string): Promise<{
  durationSec: number;
  video?: { codec: string; width: number; height: number };
  audio?: string;
}> {
  const { stderr } = await runTool(ffmpegPath(), ['-hide_banner', '-i', file, '-t', '0', '-f', 'null', '-']);
  const [, h, m, s] = /Duration: (\d+):(\d{2}):(\d{2}\.\d+)/.exec(stderr) ?? [];
  const video = /Video: (\w+)[^\n]*?, (\d+)x(\d+)/.exec(stderr);
  const audio = /Audio: (\w+)/.exec(stderr);
  return {
    durationSec: Number(h) * 3600 + Number(m) * 60 + Number(s),
    ...(video ? { video: { codec: video[1]!, width: Number(video[2]), height: Number(video[3]) } } : {}),
    ...(audio ? { audio: audio[1]! } : {}),
  };
}

import { resolve } from 'node:path';
import { audioStage } from '@podfleet/assembly';
import type { AudioConfig } from '@podfleet/config';
import { type PipelineContext, stageProcessor } from '@podfleet/pipeline';
import type { QueueProcessor } from '@podfleet/queue';
import {
  createClipCache,
  createElevenLabsEngine,
  createEspeakEngine,
  createFleetLimiter,
  type TtsEngine,
} from '@podfleet/tts';

/** Rough list price per 1 000 characters; the job's costUsd is an estimate, not a bill. */
const ELEVENLABS_USD_PER_1000_CHARACTERS = 0.18;

export function createTtsEngine(ctx: PipelineContext, config: AudioConfig): TtsEngine {
  if (config.TTS_PROVIDER === 'espeak') return createEspeakEngine();
  return createElevenLabsEngine({
    apiKey: config.ELEVENLABS_API_KEY!,
    baseUrl: config.ELEVENLABS_BASE_URL,
    modelId: config.ELEVENLABS_MODEL,
    timeoutMs: config.ELEVENLABS_TIMEOUT_MS,
    limiter: createFleetLimiter({
      redis: ctx.redis,
      keyPrefix: `${ctx.prefix}:tts:elevenlabs`,
      limit: config.ELEVENLABS_CONCURRENCY,
    }),
  });
}

export function audioProcessor(
  ctx: PipelineContext,
  config: AudioConfig,
  engine: TtsEngine,
): QueueProcessor<'audio'> {
  const work = audioStage(ctx, {
    engine,
    cache: createClipCache(resolve(config.TTS_CACHE_DIR)),
    // WASM espeak gains little past two threads on two cores; paid engines are capped fleet-wide anyway.
    concurrency: config.TTS_PROVIDER === 'espeak' ? 2 : config.ELEVENLABS_CONCURRENCY,
    usdPer1000Characters: config.TTS_PROVIDER === 'espeak' ? 0 : ELEVENLABS_USD_PER_1000_CHARACTERS,
  });
  return stageProcessor(ctx, 'audio', work);
}

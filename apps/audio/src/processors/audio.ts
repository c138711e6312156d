import { resolve } from 'node:path';
import { audioStage, ffmpegPath } from '@podfleet/assembly';
import { type AudioConfig, isOpenAi } from '@podfleet/config';
import { type PipelineContext, stageProcessor } from '@podfleet/pipeline';
import { createAsrProvider } from '@podfleet/providers';
import type { QueueProcessor } from '@podfleet/queue';
import {
  createClipCache,
  createElevenLabsEngine,
  createEspeakEngine,
  createFleetLimiter,
  createOpenAiTtsEngine,
  publishEnginePace,
  publishEngineVoices,
  type TtsEngine,
} from '@podfleet/tts';

/** Rough list price per 1 000 characters; the job's costUsd is an estimate, not a bill. */
const ELEVENLABS_USD_PER_1000_CHARACTERS = 0.18;

/** OpenAI's tts-1 list price; a local server (Kokoro, Speaches) costs nothing. */
const OPENAI_TTS_USD_PER_1000_CHARACTERS = 0.015;

function openAiTtsBaseUrl(config: AudioConfig): string {
  return config.OPENAI_TTS_BASE_URL ?? config.OPENAI_BASE_URL;
}

/** Engine calls one audio job makes at once, and what a voiced character costs, per engine. */
function ttsSettings(config: AudioConfig): { concurrency: number; usdPer1000Characters: number } {
  switch (config.TTS_PROVIDER) {
    // WASM espeak gains little past two threads on two cores; paid engines are capped fleet-wide anyway.
    case 'espeak':
      return { concurrency: 2, usdPer1000Characters: 0 };
    case 'elevenlabs':
      return {
        concurrency: config.ELEVENLABS_CONCURRENCY,
        usdPer1000Characters: ELEVENLABS_USD_PER_1000_CHARACTERS,
      };
    case 'openai':
      return {
        concurrency: config.OPENAI_TTS_CONCURRENCY,
        usdPer1000Characters:
          config.OPENAI_TTS_USD_PER_1000_CHARACTERS ??
          (isOpenAi(openAiTtsBaseUrl(config)) ? OPENAI_TTS_USD_PER_1000_CHARACTERS : 0),
      };
  }
}

/**
 * The engine TTS_PROVIDER names. Its set-up (which the worker runs before taking jobs) also
 * publishes its voices for the API (GET /v1/voices and the check of a host's chosen voice) and
 * its nominal pace for the script writers.
 */
export function createTtsEngine(ctx: PipelineContext, config: AudioConfig): TtsEngine {
  const engine = engineFor(ctx, config);
  return {
    ...engine,
    async setUp() {
      await engine.setUp?.();
      await publishEngineVoices(ctx, engine);
      await publishEnginePace(ctx, engine);
    },
  };
}

function engineFor(ctx: PipelineContext, config: AudioConfig): TtsEngine {
  if (config.TTS_PROVIDER === 'espeak') return createEspeakEngine();
  if (config.TTS_PROVIDER === 'openai') {
    // OPENAI_API_KEY only goes to its own server, never to a separate speech server.
    const apiKey =
      config.OPENAI_TTS_API_KEY ?? (config.OPENAI_TTS_BASE_URL ? undefined : config.OPENAI_API_KEY);
    return createOpenAiTtsEngine({
      baseUrl: openAiTtsBaseUrl(config),
      ...(apiKey ? { apiKey } : {}),
      model: config.OPENAI_TTS_MODEL,
      ...(config.OPENAI_TTS_VOICES ? { voices: config.OPENAI_TTS_VOICES } : {}),
      format: config.OPENAI_TTS_FORMAT,
      pcmSampleRate: config.OPENAI_TTS_PCM_SAMPLE_RATE,
      timeoutMs: config.OPENAI_TTS_TIMEOUT_MS,
      limiter: createFleetLimiter({
        redis: ctx.redis,
        keyPrefix: `${ctx.prefix}:tts:openai`,
        limit: config.OPENAI_TTS_CONCURRENCY,
      }),
    });
  }
  return createElevenLabsEngine({
    apiKey: config.ELEVENLABS_API_KEY!,
    baseUrl: config.ELEVENLABS_BASE_URL,
    modelId: config.ELEVENLABS_MODEL,
    mode: config.ELEVENLABS_MODE,
    dialogueModelId: config.ELEVENLABS_DIALOGUE_MODEL,
    dialogueOutputFormat: config.ELEVENLABS_DIALOGUE_FORMAT,
    dialogueMaxChars: config.ELEVENLABS_DIALOGUE_MAX_CHARS,
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
    ...ttsSettings(config),
    asr: createAsrProvider(config, ffmpegPath()),
  });
  return stageProcessor(ctx, 'audio', work);
}

export { type CachedClip, type ClipCache, createClipCache } from './clip-cache';
export {
  createElevenLabsEngine,
  ELEVENLABS_DEFAULT_VOICES,
  type ElevenLabsEngineOptions,
} from './elevenlabs-engine';
export { createEspeakEngine, type EspeakEngine, type EspeakEngineOptions } from './espeak-engine';
export { ESPEAK_VOICE_PRESETS, parseEspeakVoice } from './espeak-voices';
export {
  createFleetLimiter,
  type FleetLease,
  type FleetLimiter,
  type FleetLimiterOptions,
} from './fleet-limiter';
export { mp3DurationSec } from './mp3-duration';
export { createOpenAiTtsEngine, OPENAI_TTS_VOICES, type OpenAiTtsEngineOptions } from './openai-engine';
export { paceIdentity, publishEnginePace, publishEngineVoices } from './publish-voices';
export type {
  AudioFormat,
  BatchSynthesisRequest,
  DialogueSynthesis,
  DialogueSynthesisRequest,
  SynthesisRequest,
  SynthesisResult,
  TtsEngine,
  TtsEngineName,
} from './types';
export { encodeWav, parseWav, trimTrailingSilence, type WavInfo } from './wav';

import type { Host, VoiceList } from '@podfleet/providers';

export type TtsEngineName = 'espeak' | 'elevenlabs' | 'openai';
export type AudioFormat = 'wav' | 'mp3';

export interface SynthesisRequest {
  text: string;
  /** An engine-specific voice id, one of `voicesFor()`'s answers or a host's explicit voice. */
  voice: string;
  /** The script's language (BCP 47), for engines whose model is told it (ElevenLabs' `language_code`). */
  language?: string;
  signal?: AbortSignal;
}

export interface SynthesisResult {
  audio: Buffer;
  format: AudioFormat;
  sampleRate: number;
  /** Exact for WAV (sample count); from the MPEG frame count for MP3. */
  durationSec: number;
  /** Input characters sent to the engine (what paid engines bill). */
  characters: number;
}

export interface BatchSynthesisRequest {
  texts: string[];
  voice: string;
  signal?: AbortSignal;
}

export interface DialogueSynthesisRequest {
  /** Consecutive script lines, each with its host's voice. */
  lines: Array<{ text: string; voice: string }>;
  /** The script's language (BCP 47). */
  language?: string;
  signal?: AbortSignal;
}

/** Several voices' consecutive lines voiced in one call, so the engine hears them as a conversation. */
export interface DialogueSynthesis {
  /** Most characters (all lines together) one call takes. */
  maxChars: number;
  /** Most distinct voices one call takes. */
  maxVoices: number;
  /** One result per line (same order), each cut from the conversation's audio. */
  synthesize(req: DialogueSynthesisRequest): Promise<SynthesisResult[]>;
}

/** A text-to-speech engine; one instance is shared by every job of a worker process. */
export interface TtsEngine {
  readonly name: TtsEngineName;
  /**
   * What clips are cached under besides voice and text, when the engine name alone does not say
   * what voiced them (one voice name on two servers or models). Default: the name.
   */
  readonly cacheScope?: string;
  /**
   * How fast it speaks relative to the reference pace of the scripts' duration estimate (espeak-ng
   * at 170 wpm; see scriptSeconds): its nominal pace, until voiced episodes measure it. Default 1.
   */
  readonly speed?: number;
  /**
   * One voice per host, all distinct; a host's explicit `voice` wins. The others speak `language`
   * (BCP 47) where the engine's voices are per language (espeak, Kokoro); default English.
   */
  voicesFor(hosts: Host[], language?: string): string[];
  synthesize(req: SynthesisRequest): Promise<SynthesisResult>;
  /**
   * Several lines of one voice in one engine call, one result per text (same order), where that is
   * cheaper than one call per line (espeak WASM: ~0.1 s fixed cost per call). Optional.
   */
  synthesizeBatch?(req: BatchSynthesisRequest): Promise<SynthesisResult[]>;
  /** Voices runs of consecutive lines as dialogue (ElevenLabs with ELEVENLABS_MODE=dialogue). Optional. */
  readonly dialogue?: DialogueSynthesis;
  /**
   * Pays the engine's start-up cost (threads, compiled modules, binaries read from disk) now, so
   * that the first line voiced does not: a worker calls it before taking jobs. Optional.
   */
  setUp?(): Promise<void>;
  /** The voices it offers (asking the server where it can list them), for GET /v1/voices. Optional. */
  listVoices?(): Promise<VoiceList>;
  /** Stops worker threads / releases sockets. */
  close(): Promise<void>;
}

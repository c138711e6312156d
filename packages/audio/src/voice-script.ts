import { type ClipCache, type Host, ProviderError, type ScriptLine, type TtsEngine } from '@podfleet/providers';
import { mapLimit } from './map-limit';

export interface VoicedClip {
  speaker: string;
  text: string;
  voice: string;
  /** The cached audio file (WAV for espeak, MP3 for ElevenLabs), ready for assembleEpisode. */
  file: string;
  format: 'wav' | 'mp3';
  durationSec: number;
  /** Characters sent to the engine for this line; 0 when it came from the cache (nothing billed). */
  characters: number;
  cached: boolean;
}

export interface VoiceProgress {
  done: number;
  total: number;
  index: number;
  cached: boolean;
}

export interface VoiceScriptOptions {
  engine: TtsEngine;
  lines: readonly ScriptLine[];
  hosts: readonly Host[];
  cache: ClipCache;
  /** Lines synthesised at once; 2 suits WASM espeak on 2 cores, the fleet limiter caps paid engines anyway. */
  concurrency?: number;
  /** After each line (cached or synthesised), in completion order. */
  onProgress?: (progress: VoiceProgress) => void | Promise<void>;
  signal?: AbortSignal;
  /** Checked before each line, e.g. "was the job cancelled in the database?". */
  isCancelled?: () => boolean | Promise<boolean>;
}

export class VoicingCancelledError extends Error {
  constructor() {
    super('voicing cancelled');
    this.name = 'VoicingCancelledError';
  }
}

/** Voices every line (cache first), in parallel up to `concurrency`, checking for cancellation between lines. */
export async function voiceScript(options: VoiceScriptOptions): Promise<VoicedClip[]> {
  const { engine, lines, hosts, cache, onProgress, signal, isCancelled } = options;
  const voices = engine.voicesFor([...hosts]);
  const voiceOf = new Map<string, string>();
  hosts.forEach((host, i) => {
    voiceOf.set(host.name, voices[i]!);
    if (!voiceOf.has(host.name.toLowerCase())) voiceOf.set(host.name.toLowerCase(), voices[i]!);
  });
  const unknown = lines.find((l) => !voiceOf.has(l.speaker) && !voiceOf.has(l.speaker.toLowerCase()));
  if (unknown) throw new ProviderError('SCRIPT_INVALID', `line speaker "${unknown.speaker}" is not a host`, false);

  let done = 0;
  return mapLimit(lines, options.concurrency ?? 2, async (line, index) => {
    signal?.throwIfAborted();
    if (await isCancelled?.()) throw new VoicingCancelledError();
    const voice = voiceOf.get(line.speaker) ?? voiceOf.get(line.speaker.toLowerCase())!;
    const key = cache.keyFor(engine.name, voice, line.text);
    let clip = await cache.get(key);
    const cached = clip !== null;
    let characters = 0;
    if (!clip) {
      const result = await engine.synthesize({ text: line.text, voice, signal });
      clip = await cache.put(key, result);
      characters = result.characters;
    }
    done++;
    await onProgress?.({ done, total: lines.length, index, cached });
    return {
      speaker: line.speaker,
      text: line.text,
      voice,
      file: clip.file,
      format: clip.format,
      durationSec: clip.durationSec,
      characters,
      cached,
    };
  });
}

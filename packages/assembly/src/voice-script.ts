import { type Host, mapLimit, ProviderError, type ScriptLine } from '@podfleet/providers';
import { recordTtsCharacters, withSpan } from '@podfleet/telemetry';
import type { CachedClip, ClipCache, DialogueSynthesis, TtsEngine } from '@podfleet/tts';

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
  /** Lines ready so far (cached or synthesised) of `total`. */
  done: number;
  total: number;
  /** Line indexes that just became ready. */
  indexes: number[];
  cached: boolean;
}

export interface VoiceScriptOptions {
  engine: TtsEngine;
  lines: readonly ScriptLine[];
  hosts: readonly Host[];
  /** The script's language (BCP 47): hosts without a voice get one that speaks it. Default English. */
  language?: string;
  cache: ClipCache;
  /** Engine calls at once; 2 suits WASM espeak on 2 cores (a fleet limiter caps paid engines anyway). */
  concurrency?: number;
  /** Longest batch (characters) handed to an engine that batches; default 1500 (~90 s of speech). */
  maxBatchChars?: number;
  /** Called as lines become ready: cached ones first, then after each engine call. */
  onProgress?: (progress: VoiceProgress) => void | Promise<void>;
  signal?: AbortSignal;
  /** Checked before each engine call, e.g. "was the job cancelled in the database?". */
  isCancelled?: () => boolean | Promise<boolean>;
}

export class VoicingCancelledError extends Error {
  constructor() {
    super('voicing cancelled');
    this.name = 'VoicingCancelledError';
  }
}

interface Pending {
  index: number;
  voice: string;
  key: string;
  text: string;
}

function voiceMap(
  engine: TtsEngine,
  hosts: readonly Host[],
  language: string | undefined,
): (speaker: string) => string | undefined {
  const voices = engine.voicesFor([...hosts], language);
  const exact = new Map(hosts.map((h, i) => [h.name, voices[i]!]));
  const folded = new Map(hosts.map((h, i) => [h.name.toLowerCase(), voices[i]!]));
  return (speaker) => exact.get(speaker) ?? folded.get(speaker.toLowerCase());
}

/**
 * Groups uncached lines into engine calls: one voice per call, batches no longer than needed to
 * keep `concurrency` calls busy (and never over `maxChars`); engines without batching get one line per call.
 */
function planCalls(
  pending: Pending[],
  batching: boolean,
  concurrency: number,
  maxChars: number,
): Pending[][] {
  if (!batching) return pending.map((p) => [p]);
  const total = pending.reduce((n, p) => n + p.text.length, 0);
  const target = Math.min(maxChars, Math.max(200, Math.ceil(total / concurrency)));
  const calls: Pending[][] = [];
  const open = new Map<string, { call: Pending[]; chars: number }>();
  for (const p of pending) {
    let current = open.get(p.voice);
    if (!current || (current.chars + p.text.length > target && current.call.length > 0)) {
      current = { call: [], chars: 0 };
      open.set(p.voice, current);
      calls.push(current.call);
    }
    current.call.push(p);
    current.chars += p.text.length;
  }
  return calls;
}

/**
 * Groups uncached lines, in script order, into dialogue calls within the engine's limits of
 * characters and voices (a line alone over the limit is a call of its own).
 */
function planDialogue(pending: Pending[], { maxChars, maxVoices }: DialogueSynthesis): Pending[][] {
  const calls: Pending[][] = [];
  let call: Pending[] = [];
  let chars = 0;
  for (const p of pending) {
    const voices = new Set([...call.map((c) => c.voice), p.voice]);
    if (call.length > 0 && (chars + p.text.length > maxChars || voices.size > maxVoices)) {
      calls.push(call);
      call = [];
      chars = 0;
    }
    call.push(p);
    chars += p.text.length;
  }
  if (call.length > 0) calls.push(call);
  return calls;
}

/**
 * Voices every line of a script: cache first, then the engine (runs of lines as dialogue, or
 * batched per voice, when it can),
 * up to `concurrency` calls at once, checking for cancellation before each call.
 */
export async function voiceScript(options: VoiceScriptOptions): Promise<VoicedClip[]> {
  const { engine, lines, hosts, language, cache, onProgress, signal, isCancelled } = options;
  const concurrency = Math.max(1, options.concurrency ?? 2);
  const voiceOf = voiceMap(engine, hosts, language);
  const unknown = lines.find((l) => voiceOf(l.speaker) === undefined);
  if (unknown)
    throw new ProviderError('SCRIPT_INVALID', `line speaker "${unknown.speaker}" is not a host`, false);

  const results = new Array<VoicedClip>(lines.length);
  const finish = (index: number, voice: string, clip: CachedClip, characters: number) => {
    const line = lines[index]!;
    const { file, format, durationSec } = clip;
    results[index] = {
      speaker: line.speaker,
      text: line.text,
      voice,
      file,
      format,
      durationSec,
      characters,
      cached: characters === 0,
    };
  };
  let done = 0;

  const pending: Pending[] = [];
  const lookups = await Promise.all(
    lines.map(async (line, index) => {
      const voice = voiceOf(line.speaker)!;
      const key = cache.keyFor(engine.cacheScope ?? engine.name, voice, line.text);
      return { index, voice, key, text: line.text, clip: await cache.get(key) };
    }),
  );
  const cachedIndexes: number[] = [];
  for (const { clip, ...p } of lookups) {
    if (clip) {
      finish(p.index, p.voice, clip, 0);
      cachedIndexes.push(p.index);
    } else pending.push(p);
  }
  if (cachedIndexes.length > 0) {
    done += cachedIndexes.length;
    await onProgress?.({ done, total: lines.length, indexes: cachedIndexes, cached: true });
  }

  const { dialogue } = engine;
  const calls = dialogue
    ? planDialogue(pending, dialogue)
    : planCalls(pending, engine.synthesizeBatch !== undefined, concurrency, options.maxBatchChars ?? 1500);
  await mapLimit(calls, concurrency, async (call) => {
    signal?.throwIfAborted();
    if (await isCancelled?.()) throw new VoicingCancelledError();
    const voice = call[0]!.voice;
    const texts = call.map((p) => p.text);
    const characters = texts.reduce((n, text) => n + text.length, 0);
    const attributes = {
      'podfleet.tts.engine': engine.name,
      'podfleet.tts.voice': [...new Set(call.map((p) => p.voice))].join(','),
      'podfleet.tts.lines': call.length,
      'podfleet.tts.characters': characters,
    };
    // A paid engine's HTTP requests are client spans inside this one.
    const synthesized = await withSpan('tts synthesize', { attributes }, async () => {
      if (dialogue)
        return dialogue.synthesize({
          lines: call.map(({ text, voice }) => ({ text, voice })),
          ...(language ? { language } : {}),
          signal,
        });
      return call.length > 1 && engine.synthesizeBatch
        ? engine.synthesizeBatch({ texts, voice, signal })
        : [await engine.synthesize({ text: texts[0]!, voice, ...(language ? { language } : {}), signal })];
    });
    recordTtsCharacters(
      engine.name,
      synthesized.reduce((n, result) => n + result.characters, 0),
    );
    await Promise.all(
      call.map(async (p, i) => {
        const result = synthesized[i]!;
        finish(p.index, p.voice, await cache.put(p.key, result), result.characters);
      }),
    );
    done += call.length;
    await onProgress?.({ done, total: lines.length, indexes: call.map((p) => p.index), cached: false });
  });
  return results;
}

import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { ProviderError, type VoiceList } from '@podfleet/providers';
import { listNativeVoices, nativeEspeakAvailable, runNativeEspeak } from './espeak-native';
import { espeakVoiceList, espeakVoicesFor, parseEspeakVoice } from './espeak-voices';
import { EspeakWasmPool } from './espeak-wasm-pool';
import type { BatchSynthesisRequest, SynthesisRequest, SynthesisResult, TtsEngine } from './types';
import { parseWav, splitOnSilence, trimLeadingSilence, trimTrailingSilence, wavClip } from './wav';

export interface EspeakEngineOptions {
  /** `auto` (default): the native binary when it runs, else WASM. */
  backend?: 'auto' | 'wasm' | 'native';
  /** Worker threads (WASM) or concurrent child processes (native); default min(2, cores). */
  threads?: number;
  /** Words per minute (espeak `-s`), default 170. */
  wordsPerMinute?: number;
  /** Native binary name or path, default `espeak-ng` (looked up on PATH by the OS). */
  nativeBinary?: string;
}

export interface EspeakEngine extends TtsEngine {
  readonly name: 'espeak';
  synthesizeBatch(req: BatchSynthesisRequest): Promise<SynthesisResult[]>;
  /** Which backend synthesises: resolved on first use. */
  backend(): Promise<'wasm' | 'native'>;
  setUp(): Promise<void>;
  listVoices(): Promise<VoiceList>;
}

/** The rate the scripts' duration estimate was measured at (its speed 1). */
const REFERENCE_WORDS_PER_MINUTE = 170;

// Break between batched lines, and the shortest silence treated as one (espeak's own pauses at
// commas and sentence ends are under 0.4 s at 170 wpm).
const BATCH_BREAK_MS = 1500;
const BATCH_SPLIT_SEC = 1.0;

const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The GPL espeak-ng package is located, never imported: its code only runs inside worker threads. */
function wasmFiles() {
  const moduleJs = require.resolve('espeak-ng');
  return { moduleJs, moduleWasm: join(dirname(moduleJs), 'espeak-ng.wasm') };
}

/** Offline TTS: espeak-ng, natively when installed (~7× faster), else its WASM build in worker threads. */
export function createEspeakEngine(options: EspeakEngineOptions = {}): EspeakEngine {
  const threads = Math.max(1, options.threads ?? Math.min(2, availableParallelism()));
  const wordsPerMinute = options.wordsPerMinute ?? REFERENCE_WORDS_PER_MINUTE;
  const wpm = String(wordsPerMinute);
  const binary = options.nativeBinary ?? 'espeak-ng';
  let pool: EspeakWasmPool | undefined;
  let nativeRunning = 0;
  /** The languages of the voice table, once listed (set-up publishes the list): default voices per language. */
  let languageCodes: string[] = [];
  const nativeWaiting: Array<() => void> = [];

  const backend: Promise<'wasm' | 'native'> =
    options.backend === 'wasm' || options.backend === 'native'
      ? Promise.resolve(options.backend)
      : nativeEspeakAvailable(binary).then((ok) => (ok ? 'native' : 'wasm'));

  async function runNative(args: string[], text: string, signal?: AbortSignal): Promise<Buffer> {
    while (nativeRunning >= threads) await new Promise<void>((r) => nativeWaiting.push(r));
    nativeRunning++;
    try {
      return await runNativeEspeak(binary, args, text, signal);
    } finally {
      nativeRunning--;
      nativeWaiting.shift()?.();
    }
  }

  /** One espeak-ng run on whichever backend; maps failures to ProviderError. */
  async function run(voice: string, text: string, ssml: boolean, signal?: AbortSignal): Promise<Buffer> {
    signal?.throwIfAborted();
    let parsed: ReturnType<typeof parseEspeakVoice>;
    try {
      parsed = parseEspeakVoice(voice);
    } catch (err) {
      throw new ProviderError('TTS_FAILED', (err as Error).message, false, undefined, { cause: err });
    }
    const args = [...(ssml ? ['-m'] : []), '-v', parsed.name, '-s', wpm, '-p', String(parsed.pitch)];
    try {
      if ((await backend) === 'native') return await runNative(args, text, signal);
      pool ??= new EspeakWasmPool(wasmFiles(), threads);
      return await pool.run([...args, '--', text], signal);
    } catch (err) {
      if (signal?.aborted) throw signal.reason;
      // A bad voice is the only input error espeak has; anything else (a crashed worker) may pass on retry.
      const badVoice = /voice does not exist/i.test(String(err));
      throw new ProviderError('TTS_FAILED', `espeak-ng: ${(err as Error).message}`, !badVoice, undefined, {
        cause: err,
      });
    }
  }

  function clip(pcm: Buffer, sampleRate: number, text: string): SynthesisResult {
    return wavClip(trimTrailingSilence(pcm, sampleRate), sampleRate, text);
  }

  async function synthesize({ text, voice, signal }: SynthesisRequest): Promise<SynthesisResult> {
    const wav = parseWav(await run(voice, text, false, signal));
    return clip(wav.pcm, wav.sampleRate, text);
  }

  /**
   * Lines joined by long SSML breaks in one run (the per-run cost dominates short lines), then cut
   * at those breaks. If the cut does not give exactly one piece per line (a text with a very long
   * pause of its own), the lines are voiced one by one instead.
   */
  async function synthesizeBatch({
    texts,
    voice,
    signal,
  }: BatchSynthesisRequest): Promise<SynthesisResult[]> {
    if (texts.length <= 1) return Promise.all(texts.map((text) => synthesize({ text, voice, signal })));
    const ssml = `<speak>${texts.map(escapeXml).join(`<break time="${BATCH_BREAK_MS}ms"/>`)}</speak>`;
    const wav = parseWav(await run(voice, ssml, true, signal));
    const pieces = splitOnSilence(wav.pcm, wav.sampleRate, { minSilenceSec: BATCH_SPLIT_SEC });
    if (pieces.length !== texts.length) {
      return Promise.all(texts.map((text) => synthesize({ text, voice, signal })));
    }
    // One line at a time, letting the event loop turn in between (a batch is up to ~90 s of
    // speech): lock renewals and health checks do not wait for the whole batch.
    const clips: SynthesisResult[] = [];
    for (const [i, piece] of pieces.entries()) {
      clips.push(clip(trimLeadingSilence(piece, wav.sampleRate), wav.sampleRate, texts[i]!));
      await new Promise((resolve) => setImmediate(resolve));
    }
    return clips;
  }

  return {
    speed: wordsPerMinute / REFERENCE_WORDS_PER_MINUTE,
    name: 'espeak',
    backend: () => backend,
    voicesFor: (hosts, language) => espeakVoicesFor(hosts, language, languageCodes),
    synthesize,
    synthesizeBatch,
    // One word per thread or process slot: chooses the backend and, for WASM, starts every
    // thread and compiles the 18.5 MB module in each (~1 s on first use, on two cores).
    async setUp() {
      const [voice] = espeakVoicesFor([{ name: 'set-up' }]);
      await Promise.all(Array.from({ length: threads }, () => synthesize({ text: 'Ready.', voice: voice! })));
    },
    async listVoices() {
      let table: string;
      if ((await backend) === 'native') table = await listNativeVoices(binary);
      else {
        pool ??= new EspeakWasmPool(wasmFiles(), threads);
        table = await pool.listVoices();
      }
      const list = espeakVoiceList(table);
      languageCodes = list.languages;
      return list;
    },
    async close() {
      await pool?.close();
      pool = undefined;
    },
  };
}

import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { ProviderError } from '../types';
import { nativeEspeakAvailable, runNativeEspeak } from './espeak-native';
import { espeakVoicesFor, parseEspeakVoice } from './espeak-voices';
import { EspeakWasmPool } from './espeak-wasm-pool';
import type { SynthesisRequest, SynthesisResult, TtsEngine } from './types';
import { encodeWav, parseWav, trimTrailingSilence } from './wav';

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
  /** Which backend synthesises: resolved on first use. */
  backend(): Promise<'wasm' | 'native'>;
}

/** The GPL espeak-ng package is located, never imported: its code only runs inside worker threads. */
function wasmFiles() {
  const moduleJs = require.resolve('espeak-ng');
  return { moduleJs, moduleWasm: join(dirname(moduleJs), 'espeak-ng.wasm') };
}

/** Offline TTS: espeak-ng, natively when installed (~7× faster), else its WASM build in worker threads. */
export function createEspeakEngine(options: EspeakEngineOptions = {}): EspeakEngine {
  const threads = Math.max(1, options.threads ?? Math.min(2, availableParallelism()));
  const wpm = String(options.wordsPerMinute ?? 170);
  const binary = options.nativeBinary ?? 'espeak-ng';
  let pool: EspeakWasmPool | undefined;
  let nativeRunning = 0;
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

  async function synthesize({ text, voice, signal }: SynthesisRequest): Promise<SynthesisResult> {
    signal?.throwIfAborted();
    let parsed: ReturnType<typeof parseEspeakVoice>;
    try {
      parsed = parseEspeakVoice(voice);
    } catch (err) {
      throw new ProviderError('TTS_FAILED', (err as Error).message, false, undefined, { cause: err });
    }
    const args = ['-v', parsed.name, '-s', wpm, '-p', String(parsed.pitch)];
    let raw: Buffer;
    try {
      if ((await backend) === 'native') {
        raw = await runNative(args, text, signal);
      } else {
        pool ??= new EspeakWasmPool(wasmFiles(), threads);
        raw = await pool.run([...args, '--', text], signal);
      }
    } catch (err) {
      if (signal?.aborted) throw signal.reason;
      // A bad voice is the only input error espeak has; anything else (a crashed worker) may pass on retry.
      const badVoice = /voice does not exist/i.test(String(err));
      throw new ProviderError('TTS_FAILED', `espeak-ng: ${(err as Error).message}`, !badVoice, undefined, {
        cause: err,
      });
    }
    const wav = parseWav(raw);
    const pcm = trimTrailingSilence(wav.pcm, wav.sampleRate);
    return {
      audio: encodeWav(pcm, wav.sampleRate, wav.channels),
      format: 'wav',
      sampleRate: wav.sampleRate,
      durationSec: pcm.length / 2 / wav.channels / wav.sampleRate,
      characters: text.length,
    };
  }

  return {
    name: 'espeak',
    backend: () => backend,
    voicesFor: espeakVoicesFor,
    synthesize,
    async close() {
      await pool?.close();
      pool = undefined;
    },
  };
}

import { Worker } from 'node:worker_threads';
import { createLoudnessDsp, type NormalizeOptions, type NormalizeResult } from './loudness-dsp';

/**
 * The loudness DSP's own source, run in a worker thread: evaluated from text, so it works the same
 * under Jest, tsx and a bundled build (no worker file to locate or ship). tsx compiles with
 * esbuild's keepNames, which wraps functions in `__name()`: defined here as a no-op.
 */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
var __name = (target) => target;
const dsp = (${createLoudnessDsp.toString()})();

parentPort.on('message', ({ pcm, sampleRate, options }) => {
  try {
    const { pcm: _output, ...result } = dsp.normalizePcm16(pcm, sampleRate, options, {
      chosen: (gainDb) => parentPort.postMessage({ chosen: gainDb }),
      chunk: (view, last) => {
        const chunk = view.slice(); // a view would clone its whole buffer
        parentPort.postMessage({ chunk, last }, [chunk.buffer]);
      },
    });
    // The true peak is measured after the last chunk went out, while the caller encodes.
    parentPort.postMessage({ done: result });
  } catch (err) {
    parentPort.postMessage({ error: String((err && err.stack) || err) });
  }
});
`;

export type NormalizedLoudness = Omit<NormalizeResult, 'pcm'>;

type Reply =
  | { chosen: number }
  | { chunk: Int16Array; last: boolean }
  | { done: NormalizedLoudness }
  | { error: string };

/** Output chunks in order, as an async iterable that waits for the next one (or the end). */
class ChunkQueue implements AsyncIterable<Buffer> {
  private readonly items: Buffer[] = [];
  private ended = false;
  private failure: { error: unknown } | undefined;
  private wake: (() => void) | undefined;

  push(chunk: Int16Array): void {
    this.items.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    this.notify();
  }

  end(): void {
    this.ended = true;
    this.notify();
  }

  fail(error: unknown): void {
    this.failure ??= { error };
    this.notify();
  }

  private notify(): void {
    this.wake?.();
    this.wake = undefined;
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Buffer> {
    for (;;) {
      if (this.failure) throw this.failure.error;
      const next = this.items.shift();
      if (next) yield next;
      else if (this.ended) return;
      else await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }
}

/** A promise with its settle functions; its rejection counts as handled (callers may stop early). */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  promise.catch(() => {});
  return { promise, resolve, reject };
}

export interface NormalizingPcm {
  /** Resolves with the gain once it is chosen: from then on the output flows. */
  chosen: Promise<number>;
  /** The output (mono 16-bit PCM at the input's rate), chunk by chunk as it is rendered. */
  output: AsyncIterable<Buffer>;
  /** Resolves once the output is complete and measured: its loudness and true peak. */
  result: Promise<NormalizedLoudness>;
}

/**
 * Gain + true-peak limiting of an episode's PCM off the event loop (the audio worker's event loop
 * must stay free to renew BullMQ locks), streamed back so an encoder can start on it at once.
 * Each call has a worker thread to itself, so an aborted call terminates only its own; one idle
 * thread is kept (unreferenced) for the next call, which saves starting one and compiling the DSP.
 */
class DspThreads {
  private idle: Worker | undefined;

  /** Starts the idle thread now, so that the first call does not (a worker's set-up). */
  prestart(): void {
    if (this.idle) return;
    this.idle = new Worker(WORKER_SOURCE, { eval: true });
    this.idle.unref();
  }

  normalize(
    pcm: Buffer,
    sampleRate: number,
    options: NormalizeOptions,
    signal?: AbortSignal,
  ): NormalizingPcm {
    const output = new ChunkQueue();
    const chosen = deferred<number>();
    const result = deferred<NormalizedLoudness>();
    const handle = { chosen: chosen.promise, output, result: result.promise };
    const failed = (err: unknown) => {
      chosen.reject(err);
      result.reject(err);
      output.fail(err);
    };
    if (signal?.aborted) {
      failed(signal.reason);
      return handle;
    }

    const worker = this.idle ?? new Worker(WORKER_SOURCE, { eval: true });
    this.idle = undefined;
    worker.ref();
    const done = () => {
      signal?.removeEventListener('abort', onAbort);
      worker.off('message', onMessage).off('error', fail).off('exit', onExit);
    };
    const fail = (err: unknown) => {
      done();
      void worker.terminate();
      failed(err);
    };
    const onAbort = () => fail(signal?.reason);
    const onExit = (code: number) => fail(new Error(`loudness worker exited with code ${code}`));
    const onMessage = (reply: Reply) => {
      if ('error' in reply) fail(new Error(`loudness worker: ${reply.error}`));
      else if ('chosen' in reply) chosen.resolve(reply.chosen);
      else if ('chunk' in reply) {
        output.push(reply.chunk);
        if (reply.last) output.end();
      } else {
        done();
        result.resolve(reply.done);
        this.release(worker);
      }
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    worker.on('message', onMessage).on('error', fail).on('exit', onExit);
    // A copy, handed over: the caller's buffer stays usable (and may sit at any byte offset).
    const samples = new Int16Array(Math.floor(pcm.length / 2));
    pcm.copy(Buffer.from(samples.buffer), 0, 0, samples.byteLength);
    worker.postMessage({ pcm: samples, sampleRate, options }, [samples.buffer]);
    return handle;
  }

  private release(worker: Worker): void {
    if (this.idle) {
      void worker.terminate();
      return;
    }
    worker.unref();
    this.idle = worker;
  }
}

export const dspThreads = new DspThreads();

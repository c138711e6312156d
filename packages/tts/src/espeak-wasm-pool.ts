import { Worker } from 'node:worker_threads';

/**
 * Runs the espeak-ng WASM build in worker threads: the GPL program stays a separate program
 * (never imported by podfleet's code) and synthesis never blocks the event loop. Each thread
 * compiles the 18.5 MB module once and instantiates it afresh per call (re-running main() on one
 * instance yields no WAV).
 *
 * The worker is plain JavaScript evaluated from this string, so it runs unchanged under Jest
 * (no transform), tsx and a bundled build (no extra file to ship next to the bundle).
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { readFile } = require('node:fs/promises');
const { pathToFileURL } = require('node:url');

const ready = Promise.all([
  import(pathToFileURL(workerData.moduleJs).href).then((m) => m.default),
  readFile(workerData.moduleWasm).then((bytes) => WebAssembly.compile(bytes)),
]);
ready.catch(() => {}); // reported per request below

parentPort.on('message', async ({ id, args, outPath }) => {
  const stderr = [];
  const stdout = [];
  try {
    const [ESpeakNg, wasm] = await ready;
    const instance = await new Promise((resolve, reject) => {
      ESpeakNg({
        arguments: args,
        print(line) { stdout.push(line); },
        printErr(line) { stderr.push(line); },
        quit(status, toThrow) { throw toThrow; }, // the default would set process.exitCode
        instantiateWasm(imports, done) {
          WebAssembly.instantiate(wasm, imports).then((inst) => done(inst, wasm), reject);
          return {};
        },
      }).then(resolve, reject);
    });
    if (!outPath) return parentPort.postMessage({ id, text: stdout.join('\\n') });
    if (!instance.FS.analyzePath(outPath).exists) throw new Error('no audio written');
    const wav = new Uint8Array(instance.FS.readFile(outPath));
    parentPort.postMessage({ id, wav }, [wav.buffer]);
  } catch (err) {
    // A listing (--voices) ends with exit(0), which the module reports by throwing.
    if (!outPath && err && err.status === 0) return parentPort.postMessage({ id, text: stdout.join('\\n') });
    const detail = stderr.filter((l) => !l.startsWith('program exited')).join(' ');
    parentPort.postMessage({ id, error: String((err && err.message) || err) + (detail ? ': ' + detail : '') });
  }
});
`;

const OUT_PATH = '/out.wav';

interface Task {
  id: number;
  args: string[];
  /** Where the WAV goes; none for a command that prints (--voices). */
  outPath: string | undefined;
  resolve(result: Buffer | string): void;
  reject(err: unknown): void;
  settled: boolean;
}

interface Slot {
  worker: Worker;
  task: Task | undefined;
}

type WorkerReply =
  | { id: number; wav: Uint8Array }
  | { id: number; text: string }
  | { id: number; error: string };

export interface EspeakWasmFiles {
  /** dist/espeak-ng.js of the espeak-ng package. */
  moduleJs: string;
  /** dist/espeak-ng.wasm next to it. */
  moduleWasm: string;
}

export class EspeakWasmPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Task[] = [];
  private nextId = 1;
  private closed = false;

  constructor(
    private readonly files: EspeakWasmFiles,
    private readonly size: number,
  ) {}

  /** Runs espeak-ng with `args` (options, then `--` and the text) and resolves the WAV it wrote. */
  run(args: string[], signal?: AbortSignal): Promise<Buffer> {
    return this.submit(['-w', OUT_PATH, ...args], OUT_PATH, signal) as Promise<Buffer>;
  }

  /** What `espeak-ng --voices` prints: the voice table. */
  listVoices(): Promise<string> {
    return this.submit(['--voices'], undefined) as Promise<string>;
  }

  private submit(
    args: string[],
    outPath: string | undefined,
    signal?: AbortSignal,
  ): Promise<Buffer | string> {
    if (this.closed) return Promise.reject(new Error('espeak pool is closed'));
    signal?.throwIfAborted();
    return new Promise<Buffer | string>((resolve, reject) => {
      const onAbort = () => {
        const queued = this.queue.indexOf(task);
        if (queued >= 0) this.queue.splice(queued, 1);
        // A running call cannot be interrupted; its result is dropped (a call lasts ~0.1–0.3 s).
        settle(() => reject(signal?.reason));
      };
      const settle = (fn: () => void) => {
        if (task.settled) return;
        task.settled = true;
        signal?.removeEventListener('abort', onAbort);
        fn();
      };
      const task: Task = {
        id: this.nextId++,
        args,
        outPath,
        settled: false,
        resolve: (result) => settle(() => resolve(result)),
        reject: (err) => settle(() => reject(err)),
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.queue.push(task);
      this.dispatch();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const task of this.queue.splice(0)) task.reject(new Error('espeak pool closed'));
    await Promise.all(this.slots.splice(0).map((slot) => slot.worker.terminate()));
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      let slot = this.slots.find((s) => s.task === undefined);
      if (!slot && this.slots.length < this.size) slot = this.spawn();
      if (!slot) return;
      const task = this.queue.shift()!;
      slot.task = task;
      slot.worker.ref(); // keep the process alive only while work is in flight
      slot.worker.postMessage({ id: task.id, args: task.args, outPath: task.outPath });
    }
  }

  private spawn(): Slot {
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: this.files });
    const slot: Slot = { worker, task: undefined };
    worker.unref();
    worker.on('message', (reply: WorkerReply) => {
      const task = slot.task;
      if (!task || task.id !== reply.id) return;
      slot.task = undefined;
      worker.unref();
      if ('error' in reply) task.reject(new Error(`espeak-ng failed: ${reply.error}`));
      else if ('text' in reply) task.resolve(reply.text);
      else task.resolve(Buffer.from(reply.wav.buffer, reply.wav.byteOffset, reply.wav.byteLength));
      this.dispatch();
    });
    const fail = (err: Error) => {
      const index = this.slots.indexOf(slot);
      if (index < 0) return;
      this.slots.splice(index, 1);
      slot.task?.reject(err);
      if (!this.closed) this.dispatch(); // a fresh worker takes the queue
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`espeak worker exited with code ${code}`)));
    this.slots.push(slot);
    return slot;
  }
}

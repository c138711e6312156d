// One app (api, scraper, audio, uploader) as a child process, the way a container runs it: its
// own pid, so SIGKILL and SIGTERM reach the app itself. (`tsx <file>` forks a second node
// process and a SIGKILL of the CLI would leave the app running, so tsx is loaded in-process.)
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export const repoRoot = join(__dirname, '../../..');

export type AppName = 'api' | 'scraper' | 'audio' | 'uploader';

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export class AppProcess {
  readonly child: ChildProcess;
  readonly exited: Promise<Exit>;
  /** The last lines the app wrote (JSON logs), for failure messages. */
  readonly output: string[] = [];
  private readonly listeners = new Set<(line: string) => void>();

  constructor(
    readonly app: AppName,
    env: NodeJS.ProcessEnv,
  ) {
    this.child = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'apps', app, 'src', 'main.ts')], {
      cwd: repoRoot,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    for (const stream of [this.child.stdout, this.child.stderr]) {
      if (!stream) continue;
      createInterface({ input: stream }).on('line', (line) => {
        this.output.push(line);
        if (this.output.length > 200) this.output.shift();
        for (const listener of this.listeners) listener(line);
      });
    }
    this.exited = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => resolve({ code, signal }));
    });
  }

  get pid(): number {
    if (this.child.pid === undefined) throw new Error(`${this.app} did not start`);
    return this.child.pid;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** The first JSON log line `pick` accepts (returns non-undefined for); rejects if the app exits first. */
  waitForLog<T>(pick: (entry: Record<string, unknown>) => T | undefined): Promise<T> {
    return new Promise((resolve, reject) => {
      const listener = (line: string) => {
        if (!line.startsWith('{')) return;
        try {
          const value = pick(JSON.parse(line) as Record<string, unknown>);
          if (value !== undefined) {
            this.listeners.delete(listener);
            resolve(value);
          }
        } catch {
          // not JSON: a stack trace or a tool's output
        }
      };
      this.listeners.add(listener);
      void this.exited.then(() => {
        if (this.listeners.delete(listener)) reject(new Error(`${this.app} exited\n${this.describe()}`));
      });
    });
  }

  /** Sends `signal` and waits for the process to exit. */
  async stop(signal: NodeJS.Signals): Promise<Exit> {
    if (this.running) this.child.kill(signal);
    return this.exited;
  }

  describe(): string {
    return `${this.app} (pid ${this.child.pid}) last output:\n${this.output.slice(-30).join('\n')}`;
  }
}

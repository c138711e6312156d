import { type ChildProcess, spawn } from 'node:child_process';
import { setPriority } from 'node:os';
import { createInterface } from 'node:readline';

export const APPS = ['api', 'scraper', 'audio', 'uploader'] as const;
export type AppName = (typeof APPS)[number];

export interface AppSpec {
  name: string;
  command: string;
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  /**
   * CPU scheduling priority (nice, -20 … 19; higher yields more) set right after the spawn, so
   * every thread and child process the app makes inherits it. Unset: the supervisor's own.
   */
  priority?: number;
}

export interface SupervisorOptions {
  /** Where prefixed log lines go (the terminal by default). */
  write?: (line: string) => void;
  /** Called with each parsed JSON log line (e.g. to notice "ready"). */
  onLog?: (app: string, entry: Record<string, unknown>) => void;
  /** Restart an app that exits on its own, at most this many times per minute. */
  maxRestartsPerMinute?: number;
  /** After SIGTERM, how long to wait before SIGKILL. */
  stopTimeoutMs?: number;
  pretty?: boolean;
  /** Show JSON log lines only at or above this pino level (lines that are not JSON always show). */
  minLevel?: number;
}

const COLORS = [36, 35, 33, 32, 34, 31];
const LEVELS: Record<number, string> = {
  10: 'trace',
  20: 'debug',
  30: 'info',
  40: 'warn',
  50: 'error',
  60: 'fatal',
};
const LEVEL_NUMBERS = Object.fromEntries(Object.entries(LEVELS).map(([n, name]) => [name, Number(n)]));

/** pino writes levels as numbers or, with a label formatter, as names. */
function levelNumber(level: unknown): number {
  if (typeof level === 'number') return level;
  return typeof level === 'string' ? (LEVEL_NUMBERS[level] ?? 30) : 30;
}

/** Renders a pino JSON line for a human: time, level, message, then the other fields. */
export function formatLogLine(entry: Record<string, unknown>): string {
  const { time, level, msg, pid: _pid, hostname: _hostname, app: _app, ...rest } = entry;
  const when = typeof time === 'number' ? new Date(time).toISOString().slice(11, 23) : '';
  const levelName = LEVELS[levelNumber(level)] ?? String(level);
  const fields = Object.entries(rest)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' ');
  return `${when} ${levelName.padEnd(5)} ${String(msg ?? '')}${fields ? ` ${fields}` : ''}`;
}

interface Running {
  spec: AppSpec;
  child: ChildProcess;
  restarts: number[];
  /** Settles once the app exited and its output ended (its last lines are written). */
  closed: Promise<void>;
}

/**
 * Runs apps as child processes with prefixed logs, restarts one that crashes (with a cap),
 * and stops all of them on SIGINT/SIGTERM.
 */
export class Supervisor {
  private readonly running = new Map<string, Running>();
  private stopping = false;
  private readonly write: (line: string) => void;
  private readonly width: number;
  private exitResolvers: Array<() => void> = [];

  constructor(
    private readonly specs: AppSpec[],
    private readonly options: SupervisorOptions = {},
  ) {
    this.write = options.write ?? ((line) => process.stdout.write(`${line}\n`));
    this.width = Math.max(...specs.map((s) => s.name.length));
  }

  start(): void {
    for (const [index, spec] of this.specs.entries()) this.launch(spec, index, []);
  }

  private prefix(spec: AppSpec, index: number): string {
    const label = `[${spec.name.padEnd(this.width)}]`;
    return this.options.pretty ? `\x1b[${COLORS[index % COLORS.length]}m${label}\x1b[0m` : label;
  }

  private launch(spec: AppSpec, index: number, restarts: number[]): void {
    const child = spawn(spec.command, spec.args, {
      cwd: spec.cwd,
      env: spec.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // 'close', not 'exit': it comes after the app's stdout and stderr ended, so its last lines
    // (the shutdown ones) are written before stop() resolves and the CLI exits.
    const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
    this.running.set(spec.name, { spec, child, restarts, closed });
    const prefix = this.prefix(spec, index);
    if (spec.priority !== undefined && child.pid !== undefined) {
      try {
        setPriority(child.pid, spec.priority);
      } catch (err) {
        this.write(`${prefix} runs at the supervisor's priority: ${(err as Error).message}`);
      }
    }
    const forward = (stream: NodeJS.ReadableStream) =>
      createInterface({ input: stream }).on('line', (line) => {
        const entry = parseJson(line);
        if (entry) this.options.onLog?.(spec.name, entry);
        if (entry && levelNumber(entry.level) < (this.options.minLevel ?? 0)) return;
        this.write(`${prefix} ${entry && this.options.pretty ? formatLogLine(entry) : line}`);
      });
    if (child.stdout) forward(child.stdout);
    if (child.stderr) forward(child.stderr);
    child.on('close', (code, signal) => {
      this.running.delete(spec.name);
      if (this.stopping) {
        if (this.running.size === 0) for (const resolve of this.exitResolvers.splice(0)) resolve();
        return;
      }
      const now = Date.now();
      const recent = restarts.filter((t) => now - t < 60_000);
      const cap = this.options.maxRestartsPerMinute ?? 5;
      if (recent.length >= cap) {
        this.write(`${prefix} exited (${signal ?? code}) ${cap} times within a minute; not restarting`);
        if (this.running.size === 0) for (const resolve of this.exitResolvers.splice(0)) resolve();
        return;
      }
      const delayMs = Math.min(10_000, 500 * 2 ** recent.length);
      this.write(`${prefix} exited (${signal ?? code}); restarting in ${delayMs} ms`);
      setTimeout(() => {
        if (!this.stopping) this.launch(spec, index, [...recent, now]);
      }, delayMs);
    });
  }

  /** Resolves when every app has exited after stop(), or all gave up restarting. */
  waitForExit(): Promise<void> {
    if (this.running.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.exitResolvers.push(resolve));
  }

  pids(): Record<string, number | undefined> {
    return Object.fromEntries([...this.running].map(([name, r]) => [name, r.child.pid]));
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    this.stopping = true;
    const timeout = this.options.stopTimeoutMs ?? 35_000;
    const exits = [...this.running.values()].map(async ({ child, closed }) => {
      const alive = child.exitCode === null && child.signalCode === null;
      const timer = alive ? setTimeout(() => child.kill('SIGKILL'), timeout) : undefined;
      if (alive) child.kill(signal);
      await closed; // an app that already exited may still be flushing its output
      clearTimeout(timer);
    });
    await Promise.all(exits);
  }
}

function parseJson(line: string): Record<string, unknown> | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

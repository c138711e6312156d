// The Docker engine and docker-compose, driven through their command-line clients.
import { execFile, spawn } from 'node:child_process';
import { childEnv } from '@podfleet/config';

export class CommandError extends Error {
  constructor(
    readonly command: string,
    readonly exitCode: number | null,
    readonly stderr: string,
  ) {
    super(`${command} exited ${exitCode}: ${stderr.trim().split('\n').slice(-5).join('\n')}`);
    this.name = 'CommandError';
  }
}

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Written to the command's standard input. */
  input?: string;
  /** Each line of output as it comes (long builds). */
  onLine?: (line: string) => void;
}

/** Runs a command to its end; resolves with its standard output, rejects with its stderr's tail. */
export function run(command: string, args: string[], opts: RunOptions = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: opts.cwd,
      env: childEnv(opts.env),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    const lines = (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) opts.onLine?.(line);
    };
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      lines(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
      lines(chunk);
    });
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(stdout) : reject(new CommandError(`${command} ${args.join(' ')}`, code, stderr)),
    );
    child.stdin.end(opts.input ?? '');
  });
}

/** Why no Docker engine can be used here, or null when `docker info` answers. */
export function dockerUnavailable(): Promise<string | null> {
  return new Promise((resolve) => {
    execFile(
      'docker',
      ['info', '--format', '{{.ServerVersion}}'],
      { timeout: 20_000 },
      (err, stdout, stderr) => {
        if (!err && stdout.trim()) resolve(null);
        else
          resolve(
            (stderr || err?.message || 'docker info failed').trim().split('\n')[0] ?? 'docker info failed',
          );
      },
    );
  });
}

export const docker = (args: string[], opts?: RunOptions) => run('docker', args, opts);

export interface ContainerState {
  id: string;
  name: string;
  running: boolean;
  health: string | null;
  user: string;
  readOnlyRootfs: boolean;
  env: Record<string, string>;
  hostname: string;
}

interface InspectOutput {
  Id: string;
  Name: string;
  State: { Running: boolean; Health?: { Status: string } };
  Config: { User: string; Env: string[]; Hostname: string };
  HostConfig: { ReadonlyRootfs: boolean };
}

export async function inspectContainers(ids: string[]): Promise<ContainerState[]> {
  if (ids.length === 0) return [];
  const raw = JSON.parse(await docker(['inspect', ...ids])) as InspectOutput[];
  return raw.map((c) => ({
    id: c.Id,
    name: c.Name.replace(/^\//, ''),
    running: c.State.Running,
    health: c.State.Health?.Status ?? null,
    user: c.Config.User,
    readOnlyRootfs: c.HostConfig.ReadonlyRootfs,
    env: Object.fromEntries(
      c.Config.Env.map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]),
    ),
    hostname: c.Config.Hostname,
  }));
}

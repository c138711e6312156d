// Redis and PostgreSQL servers of the suite's own: started on free ports with temporary data
// directories, so the suite can stop, kill and restart them (and flush Redis) without touching
// the machine's shared servers or another run's data. Every server started is stopped when the
// suite closes, and killed if the test process exits first.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { chown, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { defaultMigrationsDir, ensureDatabase, migrate } from '@podfleet/db';
import { makeTempDir } from '@podfleet/test-kit';

/** A free TCP port on the loopback (the OS picks it; a server binds it right after). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** Every server process alive, killed at exit if the suite did not get to stop it. */
const alive = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of alive) child.kill('SIGKILL');
});

interface ServerSpec {
  name: string;
  command: string;
  args: string[];
  /** A line of the server's output that says it accepts connections. */
  ready: RegExp;
  uid?: number;
  gid?: number;
}

/** One server process: started, waited for, stopped by signal; its last output kept for failures. */
class ServerProcess {
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  readonly output: string[] = [];

  constructor(private readonly spec: ServerSpec) {}

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  async start(timeoutMs = 30_000): Promise<void> {
    if (this.running) throw new Error(`${this.spec.name} is already running`);
    const child = spawn(this.spec.command, this.spec.args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { PATH: '/usr/bin:/bin', LANG: 'C.UTF-8' },
      ...(this.spec.uid === undefined ? {} : { uid: this.spec.uid, gid: this.spec.gid }),
    });
    this.child = child;
    alive.add(child);
    this.exited = new Promise((resolve) => {
      child.once('exit', () => {
        alive.delete(child);
        resolve();
      });
    });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${this.spec.name} not ready after ${timeoutMs} ms\n${this.describe()}`)),
        timeoutMs,
      );
      const done = (err?: Error) => {
        clearTimeout(timer);
        if (err) reject(err);
        else resolve();
      };
      for (const stream of [child.stdout, child.stderr]) {
        if (!stream) continue;
        createInterface({ input: stream }).on('line', (line) => {
          this.output.push(line);
          if (this.output.length > 100) this.output.shift();
          if (this.spec.ready.test(line)) done();
        });
      }
      child.once('exit', (code, signal) =>
        done(new Error(`${this.spec.name} exited (${code ?? signal}) while starting\n${this.describe()}`)),
      );
    });
  }

  /** Sends `signal` and waits for the process to exit. */
  async stop(signal: NodeJS.Signals): Promise<void> {
    if (this.running) this.child?.kill(signal);
    await this.exited;
  }

  describe(): string {
    return `${this.spec.name} last output:\n${this.output.slice(-20).join('\n')}`;
  }
}

export interface PrivateRedis {
  url: string;
  /** Stops the server: SIGTERM shuts it down cleanly, SIGKILL as a crash would. */
  stop(signal: 'SIGTERM' | 'SIGKILL'): Promise<void>;
  /** Starts it again on the same port; `empty` deletes its data first (a restart that lost it). */
  start(options?: { empty?: boolean }): Promise<void>;
  close(): Promise<void>;
}

/**
 * redis-server with an append-only file written on every command (a kill loses nothing, so an
 * outage can be told apart from a data loss) and BullMQ's required `noeviction`.
 */
export async function startPrivateRedis(): Promise<PrivateRedis> {
  const data = await makeTempDir('pf-faults-redis-');
  const port = await freePort();
  const server = new ServerProcess({
    name: 'redis-server',
    command: 'redis-server',
    args: [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--dir',
      data.dir,
      '--save',
      '',
      '--appendonly',
      'yes',
      '--appendfsync',
      'always',
      '--maxmemory-policy',
      'noeviction',
      '--daemonize',
      'no',
    ],
    ready: /Ready to accept connections/,
  });
  await server.start();
  return {
    url: `redis://127.0.0.1:${port}`,
    stop: (signal) => server.stop(signal),
    async start(options = {}) {
      if (options.empty) {
        for (const name of readdirSync(data.dir))
          await rm(join(data.dir, name), { recursive: true, force: true });
      }
      await server.start();
    },
    async close() {
      await server.stop('SIGTERM');
      await data.remove();
    },
  };
}

export interface PrivatePostgres {
  /** The URL of the suite's migrated database. */
  url: string;
  /** A fast shutdown (SIGINT: sessions ended, clean checkpoint) then a start on the same port. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

const PG_VERSION = '15';

/** PostgreSQL's server binaries (Debian's layout). */
function postgresBinDir(): string {
  const dir = `/usr/lib/postgresql/${PG_VERSION}/bin`;
  if (!existsSync(join(dir, 'postgres')))
    throw new Error(`PostgreSQL ${PG_VERSION} binaries not found in ${dir}`);
  return dir;
}

/** PostgreSQL refuses to run as root: as root, its processes run as the `postgres` user. */
function serverUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}

/**
 * A PostgreSQL cluster of the suite's own (initdb in a temporary directory, trust authentication
 * on the loopback) with the podfleet schema migrated into database `podfleet`.
 */
export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const bin = postgresBinDir();
  const user = serverUser();
  const data = await makeTempDir('pf-faults-pg-');
  if (user) await chown(data.dir, user.uid, user.gid);
  const cluster = join(data.dir, 'cluster');
  execFileSync(
    join(bin, 'initdb'),
    ['-D', cluster, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-sync', '--no-instructions'],
    { stdio: 'pipe', env: { PATH: '/usr/bin:/bin', LANG: 'C.UTF-8' }, ...(user ?? {}) },
  );
  const port = await freePort();
  const server = new ServerProcess({
    name: 'postgres',
    command: join(bin, 'postgres'),
    args: [
      '-D',
      cluster,
      '-p',
      String(port),
      '-k',
      data.dir,
      '-c',
      'listen_addresses=127.0.0.1',
      // Durability is not under test (restarts are clean shutdowns): spare the shared disk.
      '-c',
      'fsync=off',
      '-c',
      'max_connections=200',
    ],
    ready: /database system is ready to accept connections/,
    ...(user ?? {}),
  });
  await server.start();
  const url = `postgresql://postgres@127.0.0.1:${port}/podfleet`;
  try {
    await ensureDatabase(url);
    await migrate({ connectionString: url, migrationsDir: defaultMigrationsDir });
  } catch (err) {
    await server.stop('SIGINT');
    await data.remove();
    throw err;
  }
  return {
    url,
    async restart() {
      await server.stop('SIGINT');
      await server.start();
    },
    async close() {
      await server.stop('SIGINT');
      await data.remove();
    },
  };
}

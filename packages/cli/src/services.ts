import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { delimiter, dirname, join } from 'node:path';
import { childEnv } from '@podfleet/config';
import { Redis } from 'ioredis';
import { Client } from 'pg';

export type ProbeResult = { ok: true } | { ok: false; reason: string };

const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

export function isLocalUrl(url: string): boolean {
  return LOCAL_HOSTS.has(new URL(url).hostname);
}

function reasonOf(err: unknown): string {
  if (err instanceof AggregateError && err.errors.length > 0) return reasonOf(err.errors[0]);
  // Socket errors carry an errno code (ECONNREFUSED...); server errors a readable message.
  const code = (err as NodeJS.ErrnoException).code;
  if (typeof code === 'string' && code.startsWith('E')) return code;
  if (err instanceof Error) return err.message;
  return String(err);
}

/** One PING with a short timeout and no reconnect loop. */
export async function probeRedis(url: string, timeoutMs = 2000): Promise<ProbeResult> {
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  // connect() rejects with a generic "Connection is closed"; the socket error says why.
  let socketError: unknown;
  redis.on('error', (err) => {
    socketError ??= err;
  });
  try {
    await redis.connect();
    await redis.ping();
    return { ok: true };
  } catch (err) {
    return { ok: false, reason: reasonOf(socketError ?? err) };
  } finally {
    redis.disconnect();
  }
}

/** Connects to the server's `postgres` maintenance database: the app database may not exist yet. */
export async function probePostgres(url: string, timeoutMs = 2000): Promise<ProbeResult> {
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString(), connectionTimeoutMillis: timeoutMs });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query('SELECT 1');
    return { ok: true };
  } catch (err) {
    return { ok: false, reason: reasonOf(err) };
  } finally {
    await client.end().catch(() => {});
  }
}

/** URL without its password, for messages. */
export function redactUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}

/** What to start, and what else to point at, per service. */
const SERVICE_HELP = {
  redis: {
    name: 'Redis',
    install:
      'sudo apt-get install redis-server && redis-server --daemonize yes --maxmemory-policy noeviction',
    otherwise: 'point REDIS_URL at a running Redis 6.2+ (maxmemory-policy noeviction).',
  },
  postgres: {
    name: 'PostgreSQL',
    install: 'sudo apt-get install postgresql && sudo pg_ctlcluster 15 main start',
    otherwise: 'point DATABASE_URL at a running PostgreSQL 13+ (the database is created if missing).',
  },
} as const;

export function missingServiceMessage(service: 'redis' | 'postgres', url: string, reason: string): string {
  const help = SERVICE_HELP[service];
  return [
    `${help.name} is not reachable at ${redactUrl(url)} (${reason}).`,
    'Start one, e.g. on Debian/Ubuntu:',
    `  ${help.install}`,
    `or ${help.otherwise}`,
  ].join('\n');
}

export function findExecutable(name: string, extraDirs: string[] = []): string | undefined {
  const dirs = [...(childEnv().PATH ?? '').split(delimiter), ...extraDirs];
  return dirs.map((dir) => join(dir, name)).find((file) => existsSync(file));
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface ManagedService {
  url: string;
  description: string;
  stop(): Promise<void>;
}

async function waitUntilReady(
  probe: () => Promise<ProbeResult>,
  child: ChildProcess,
  what: string,
  timeoutMs: number,
) {
  const deadline = Date.now() + timeoutMs;
  let last: ProbeResult = { ok: false, reason: 'not started' };
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`${what} exited with code ${child.exitCode} before it was ready`);
    last = await probe();
    if (last.ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} was not ready after ${timeoutMs} ms (${last.ok ? '' : last.reason})`);
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** A throwaway Redis for the demo: nothing persisted, the policy BullMQ needs. */
export async function startLocalRedis(redisServer: string): Promise<ManagedService> {
  const port = await freePort();
  const child = spawn(
    redisServer,
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--maxmemory-policy',
      'noeviction',
    ],
    { stdio: 'ignore' },
  );
  const url = `redis://127.0.0.1:${port}`;
  await waitUntilReady(() => probeRedis(url, 500), child, 'redis-server', 10_000);
  return {
    url,
    description: `redis-server on port ${port} (started for this run)`,
    stop: () => stopChild(child),
  };
}

/**
 * Embedded PostgreSQL (PGlite over the wire protocol) for a machine with no PostgreSQL.
 * One backend session serves every connection, so `-m` must cover every process's pool.
 */
export async function startEmbeddedPostgres(dataDir: string, maxConnections = 60): Promise<ManagedService> {
  mkdirSync(dataDir, { recursive: true });
  // The package exports only its library entry; the server script sits beside it.
  const server = join(dirname(require.resolve('@electric-sql/pglite-socket')), 'scripts', 'server.js');
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [server, '-d', dataDir, '-p', String(port), '-m', String(maxConnections)],
    {
      stdio: 'ignore',
    },
  );
  const url = `postgresql://postgres@127.0.0.1:${port}/postgres`;
  await waitUntilReady(() => probePostgres(url, 1000), child, 'embedded PostgreSQL (PGlite)', 60_000);
  return {
    url,
    description: `embedded PostgreSQL (PGlite) on port ${port}, data in ${dataDir}`,
    stop: () => stopChild(child),
  };
}

export async function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

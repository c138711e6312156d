// Shared by the benchmarks: an isolated database, queue prefix and storage for one run, and the
// worker apps started as child processes exactly as `npm start` runs them.
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { childEnv, readEnv } from '@podfleet/config';
import { createPrismaClient, ensureMigrated, type PrismaClient } from '@podfleet/db';
import { sampleEpisodeSources } from '@podfleet/providers';
import { createRedis, deleteKeysWithPrefix } from '@podfleet/queue';
import type { Redis } from 'ioredis';
import { Client } from 'pg';
import { repoRoot } from '../src/environment';
import { appSpec, WORKER_PRIORITY } from '../src/fleet';
import { findExecutable, freePort, startLocalRedis } from '../src/services';
import { type AppName, Supervisor } from '../src/supervisor';
import { type StatementCountingProxy, startStatementCountingProxy } from './pg-statement-counter';

/** The bench's command-line options (`--name value`), each with its default: their values. */
export function benchOptions<Name extends string>(defaults: Record<Name, string>): Record<Name, string> {
  const options = Object.fromEntries(
    Object.entries<string>(defaults).map(([name, value]) => [
      name,
      { type: 'string' as const, default: value },
    ]),
  );
  return parseArgs({ options }).values as Record<Name, string>;
}

export interface BenchEnvironment {
  /** Where the API listens once started (PORT is a free port). */
  apiUrl: string;
  env: NodeJS.ProcessEnv;
  db: PrismaClient;
  storageDir: string;
  prefix: string;
  /**
   * Starts the apps and resolves once all are ready; `onLog` sees every log entry they write,
   * `envOverrides` change these apps' environment only, `workerPriority` the CPU priority the
   * workers run at (npm start's by default).
   */
  startApps(
    apps: AppName[],
    onLog?: (app: string, entry: Record<string, unknown>) => void,
    envOverrides?: NodeJS.ProcessEnv,
    workerPriority?: number,
  ): Promise<Supervisor>;
  /** The API listening at `apiUrl`, called as the benches call it (its admin key is this environment's). */
  api(apiUrl: string): BenchApi;
  /**
   * Polls until none of `jobIds` is queued or running, saying how far it got every 10 s; after
   * `timeoutMs`, resolves with how many still are (0 once all finished).
   */
  waitForJobs(jobIds: string[], options: { label: string; timeoutMs: number }): Promise<number>;
  cleanup(): Promise<void>;
}

export async function benchEnvironment(
  name: string,
  extraEnv: NodeJS.ProcessEnv = {},
): Promise<BenchEnvironment> {
  const base = readEnv();
  const runId = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
  const url = new URL(base.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/podfleet');
  url.pathname = `/podfleet_bench_${runId}`;
  const databaseUrl = url.toString();
  await ensureMigrated({ connectionString: databaseUrl });
  const work = mkdtempSync(join(tmpdir(), `podfleet-bench-${name}-`));
  const storageDir = join(work, 'media');
  const prefix = `pfbench-${runId}`;
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...childEnv(),
    ...base,
    PORT: String(port),
    // What the benches measure is the fleet: the local writer and espeak, no network provider.
    SCRIPT_PROVIDER: 'local',
    TTS_PROVIDER: 'espeak',
    NODE_ENV: 'production',
    DATABASE_URL: databaseUrl,
    REDIS_URL: base.REDIS_URL ?? 'redis://127.0.0.1:6379',
    QUEUE_PREFIX: prefix,
    STORAGE_DRIVER: 'fs',
    STORAGE_DIR: storageDir,
    TTS_CACHE_DIR: join(work, 'tts-cache'),
    LOG_LEVEL: 'info', // the ready lines are info; only warnings are shown
    ADMIN_API_KEY: `bench-${randomBytes(12).toString('hex')}`,
    MEDIA_URL_SECRET: randomBytes(32).toString('hex'),
    WEBHOOK_SECRET: randomBytes(32).toString('hex'),
    // Production wants both (the uploader's webhook links, the API's /metrics); the benches use neither.
    PUBLIC_BASE_URL: 'http://127.0.0.1:3000',
    METRICS_TOKEN: randomBytes(16).toString('hex'),
    ...extraEnv,
  };
  const db = createPrismaClient(databaseUrl);
  const supervisors: Supervisor[] = [];
  return {
    apiUrl: `http://127.0.0.1:${port}`,
    env,
    db,
    storageDir,
    prefix,
    api: (apiUrl) => benchApi(apiUrl, env.ADMIN_API_KEY!),
    waitForJobs: (jobIds, options) => waitForJobs(db, jobIds, options),
    async startApps(apps, onLog, envOverrides = {}, workerPriority = WORKER_PRIORITY) {
      const specs = apps.map((app, i) => ({
        ...appSpec(app, { ...env, ...envOverrides }),
        ...(app === 'api' ? {} : { priority: workerPriority }),
        name: `${app}${apps.indexOf(app) === i ? '' : `-${i}`}`,
      }));
      // By process name: two processes of one app are both waited for.
      const pending = new Set(specs.map((s) => s.name));
      let ready: () => void = () => {};
      const allReady = new Promise<void>((r) => {
        ready = r;
      });
      const supervisor = new Supervisor(specs, {
        minLevel: 40,
        write: (line) => process.stderr.write(`${line}\n`),
        onLog: (app, entry) => {
          onLog?.(app, entry);
          if (entry.msg === 'ready' && pending.delete(app) && pending.size === 0) ready();
        },
      });
      supervisor.start();
      supervisors.push(supervisor);
      await allReady;
      return supervisor;
    },
    async cleanup() {
      await Promise.all(supervisors.map((s) => s.stop()));
      await db.$disconnect();
      const admin = new URL(databaseUrl);
      admin.pathname = '/postgres';
      const pg = new Client({ connectionString: admin.toString() });
      await pg.connect();
      await pg.query(`DROP DATABASE IF EXISTS "podfleet_bench_${runId}" WITH (FORCE)`);
      await pg.end();
      const redis = createRedis(env.REDIS_URL!, { role: 'client' });
      await deleteKeysWithPrefix(redis, prefix);
      redis.disconnect();
      await rm(work, { recursive: true, force: true });
    },
  };
}

export interface CountingBenchEnvironment {
  bench: BenchEnvironment;
  /** The bench's own Redis, so INFO commandstats counts the fleet's commands and nothing else. */
  redisUrl: string;
  redis: Redis;
  /** PostgreSQL through a relay counting the statements sent through it (see pg-statement-counter.ts). */
  sql: StatementCountingProxy;
  cleanup(): Promise<void>;
}

/** A bench environment on a Redis server of its own, with a statement-counting relay before PostgreSQL. */
export async function countingBenchEnvironment(
  name: string,
  extraEnv: NodeJS.ProcessEnv = {},
): Promise<CountingBenchEnvironment> {
  const redisServer = findExecutable('redis-server');
  if (!redisServer) throw new Error(`bench:${name} starts its own Redis: redis-server must be on the PATH`);
  const redisService = await startLocalRedis(redisServer);
  try {
    const bench = await benchEnvironment(name, { ...extraEnv, REDIS_URL: redisService.url });
    const sql = await startStatementCountingProxy(bench.env.DATABASE_URL!);
    const redis = createRedis(redisService.url, { role: 'client' });
    return {
      bench,
      redisUrl: redisService.url,
      redis,
      sql,
      async cleanup() {
        redis.disconnect();
        await bench.cleanup();
        await sql.close();
        await redisService.stop();
      },
    };
  } catch (err) {
    await redisService.stop();
    throw err;
  }
}

async function waitForJobs(
  db: PrismaClient,
  jobIds: string[],
  { label, timeoutMs }: { label: string; timeoutMs: number },
): Promise<number> {
  const started = performance.now();
  let lastReport = started;
  for (;;) {
    // On the bench's own connection, never through a counting relay: these reads are not the fleet's.
    const open = await db.job.count({
      where: { id: { in: jobIds }, status: { in: ['queued', 'running'] } },
    });
    if (open === 0 || performance.now() - started > timeoutMs) return open;
    if (performance.now() - lastReport > 10_000) {
      lastReport = performance.now();
      process.stderr.write(`${label}: ${jobIds.length - open}/${jobIds.length} finished\n`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Runs a bench's `main`, then exits (with process.exitCode, which a bench sets when a job was
 * lost), or with 1 and the stack when it throws: a client left open never holds a bench up.
 */
export function runBench(name: string, main: () => Promise<void>): void {
  main().then(
    () => process.exit(),
    (err: unknown) => {
      process.stderr.write(`bench:${name} failed: ${err instanceof Error ? err.stack : String(err)}\n`);
      process.exit(1);
    },
  );
}

/** A bundled text sample, rewritten per `tag` so two tags share no line but the script writer's stock ones. */
function uniqueTextSources(tag: string) {
  return sampleEpisodeSources('http://unused.invalid')
    .filter((s) => s.kind === 'text')
    .slice(0, 1)
    .map((s) => ({
      ...s,
      title: `Bulletin ${tag}: ${s.title}`,
      text: s.text.replace(
        /(^|[.!?]\s+)([A-Z])/g,
        (_m, lead: string, c: string) => `${lead}In bulletin ${tag}, ${c.toLowerCase()}`,
      ),
    }));
}

/** POSTs JSON to the API as `key`; a non-2xx answer throws with its body. */
async function postJson(base: string, key: string, path: string, body: unknown) {
  const response = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = (await response.json()) as Record<string, unknown>;
  if (response.status >= 300)
    throw new Error(`POST ${path} answered ${response.status}: ${JSON.stringify(json)}`);
  return json;
}

export type BenchApi = ReturnType<typeof benchApi>;

/** The API calls the benches make: users created as the operator, offline episodes submitted as them. */
function benchApi(apiUrl: string, adminKey: string) {
  return {
    /** Creates a user; resolves with its API key. */
    async createUser(email: string): Promise<string> {
      return (await postJson(apiUrl, adminKey, '/v1/users', { email })).apiKey as string;
    },
    /**
     * Submits, as the user of `key`, an episode of one bundled text rewritten for `tag` (no two
     * tags share a line but the script writer's stock ones); resolves with the job's id.
     */
    async submitTextEpisode(key: string, tag: string, targetMinutes: number): Promise<string> {
      const ticket = await postJson(apiUrl, key, '/v1/episodes', {
        type: 'custom',
        sources: uniqueTextSources(tag),
        style: { targetMinutes },
      });
      return ticket.jobId as string;
    },
  };
}

/** Prints a result and writes it to bench-results/<name>.json. */
export async function writeBenchResult(name: string, result: Record<string, unknown>): Promise<string> {
  const dir = join(repoRoot, 'bench-results');
  await mkdir(dir, { recursive: true });
  const file = join(dir, `${name}.json`);
  await writeFile(
    file,
    `${JSON.stringify({ benchmark: name, at: new Date().toISOString(), ...result }, null, 2)}\n`,
  );
  return file;
}

// pnpm bench:api — the API's ticket latency on loopback, beside a bare Express baseline in the
// same run: POST /v1/episodes (job row + BullMQ flow per request) at 50 connections, the same
// request against a bare handler answering 202, and GET /v1/jobs/:id. Each server runs as its own
// process (the API exactly as `npm start` runs it) on an isolated database and queue prefix;
// autocannon drives them from this process. Prints the numbers and writes bench-results/api.json.
//
// Three loads: "saturated" (50 connections sending as fast as answers come: latency is mostly
// queueing, ≈ 50 / throughput), "paced" (the same 50 connections at --rate requests/s in total)
// and "1 connection" (one request at a time: the service time of one ticket).
// Options: --duration <s> (10) --warmup <s> (2) --users <n> (200) --rate <req/s> (50).
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { readEnv } from '@podfleet/config';
import { createPrismaClient, defaultMigrationsDir, ensureDatabase, migrate } from '@podfleet/db';
import { createRedis } from '@podfleet/queue';
import autocannon from 'autocannon';

const CONNECTIONS = 50;
const args = process.argv.slice(2);
const argValue = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? Number(args[i + 1]) : fallback;
};
const DURATION_SEC = argValue('duration', 10);
const WARMUP_SEC = argValue('warmup', 2);
const USERS = argValue('users', 200);
const RATE = argValue('rate', 50);

const apiDir = resolve(__dirname, '..');
function repoRoot(): string {
  for (let dir = apiDir; dirname(dir) !== dir; dir = dirname(dir)) {
    if (existsSync(join(dir, 'pnpm-workspace.yaml'))) return dir;
  }
  throw new Error('workspace root not found');
}
const root = repoRoot();
const tsx = join(root, 'node_modules', '.bin', 'tsx');

/** Starts a server process and resolves with its port once it logs its `ready` line. */
function startServer(
  name: string,
  script: string,
  env: NodeJS.ProcessEnv,
): Promise<{ child: ChildProcess; port: number }> {
  return new Promise((resolveStart, reject) => {
    const child = spawn(tsx, [script], { cwd: apiDir, env, stdio: ['ignore', 'pipe', 'inherit'] });
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      try {
        const entry = JSON.parse(line) as { msg?: string; port?: number; level?: string | number };
        if (entry.msg === 'ready' && typeof entry.port === 'number')
          resolveStart({ child, port: entry.port });
        else if (entry.level !== 'info' && entry.level !== 30) process.stderr.write(`[${name}] ${line}\n`);
      } catch {
        process.stderr.write(`[${name}] ${line}\n`);
      }
    });
    child.once('exit', (code) => reject(new Error(`${name} exited with code ${code} before it was ready`)));
  });
}

const met = (ok: boolean) => (ok ? 'met' : 'NOT met');
const ratio = (a: number, b: number) => Math.round((a / Math.max(b, 0.5)) * 10) / 10;

interface Summary {
  requests: number;
  rps: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  avgMs: number;
  maxMs: number;
  non2xx: number;
  errors: number;
}

function summarize(result: autocannon.Result): Summary {
  return {
    requests: result.requests.total,
    rps: Math.round(result.requests.average),
    p50Ms: result.latency.p50,
    p90Ms: result.latency.p90,
    p99Ms: result.latency.p99,
    avgMs: Math.round(result.latency.average * 100) / 100,
    maxMs: result.latency.max,
    non2xx: result.non2xx,
    errors: result.errors,
  };
}

async function load(
  label: string,
  opts: autocannon.Options,
  durationSec: number,
): Promise<autocannon.Result> {
  process.stderr.write(`  ${label}: ${durationSec} s at ${opts.connections} connections…\n`);
  return autocannon({ ...opts, duration: durationSec });
}

async function main(): Promise<void> {
  const base = readEnv();
  const loadAvgBefore = loadavg().map((l) => Math.round(l * 100) / 100);
  const runId = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
  const dbUrl = new URL(base.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/podfleet');
  const dbName = `podfleet_bench_api_${runId}`;
  dbUrl.pathname = `/${dbName}`;
  const redisUrl = base.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const prefix = `pfbench-api-${runId}`;
  const work = await mkdtemp(join(tmpdir(), 'podfleet-bench-api-'));
  const adminKey = `bench-${randomBytes(16).toString('hex')}`;
  const children: ChildProcess[] = [];

  await ensureDatabase(dbUrl.toString());
  await migrate({ connectionString: dbUrl.toString(), migrationsDir: defaultMigrationsDir });
  try {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_ENV: 'production',
      PORT: '0',
      DATABASE_URL: dbUrl.toString(),
      REDIS_URL: redisUrl,
      QUEUE_PREFIX: prefix,
      ADMIN_API_KEY: adminKey,
      STORAGE_DRIVER: 'fs',
      STORAGE_DIR: join(work, 'media'),
      LOG_LEVEL: 'warn',
      // Measure the ticket path itself, not the limits that would refuse it.
      MAX_QUEUE_SIZE: '100000000',
      USER_REQUESTS_PER_MINUTE: '100000000',
      USER_MAX_ACTIVE_JOBS: '100000',
    };
    const api = await startServer('api', 'src/main.ts', env);
    const bare = await startServer('bare', 'bench/bare-server.ts', env);
    children.push(api.child, bare.child);
    const apiUrl = `http://127.0.0.1:${api.port}`;
    const bareUrl = `http://127.0.0.1:${bare.port}/v1/episodes`;

    process.stderr.write(`creating ${USERS} users…\n`);
    const keys: string[] = [];
    for (let i = 0; i < USERS; i++) {
      const res = await fetch(`${apiUrl}/v1/users`, {
        method: 'POST',
        headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ email: `bench${i}@example.test` }),
      });
      if (res.status !== 201) throw new Error(`creating a user answered ${res.status}: ${await res.text()}`);
      keys.push(((await res.json()) as { apiKey: string }).apiKey);
    }

    const body = JSON.stringify({
      type: 'custom',
      sources: [
        {
          kind: 'text',
          title: 'Bench',
          text: 'The committee approved the budget on Tuesday after a long debate.',
        },
      ],
    });
    let next = 0;
    // Requests rotate over the users, as a fleet of clients would (one user's submits serialise on its slot lock).
    const ticketRequest = (): autocannon.Request => ({
      method: 'POST',
      path: '/v1/episodes',
      headers: { authorization: `Bearer ${keys[next++ % keys.length]}`, 'content-type': 'application/json' },
      body,
    });
    const common = { connections: CONNECTIONS, pipelining: 1 };

    await load(
      'warm-up',
      { ...common, url: bareUrl, method: 'POST', headers: { 'content-type': 'application/json' }, body },
      WARMUP_SEC,
    );
    await load(
      'warm-up',
      { ...common, url: apiUrl, requests: [{ setupRequest: () => ticketRequest() }] },
      WARMUP_SEC,
    );

    const bareOpts: autocannon.Options = {
      ...common,
      url: bareUrl,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    };
    const ticketOpts: autocannon.Options = {
      ...common,
      url: apiUrl,
      requests: [{ setupRequest: () => ticketRequest() }],
    };
    const bareResult = summarize(await load('bare Express 202, saturated', bareOpts, DURATION_SEC));
    const ticketResult = summarize(await load('POST /v1/episodes, saturated', ticketOpts, DURATION_SEC));
    const bareSerial = summarize(
      await load('bare Express 202, 1 connection', { ...bareOpts, connections: 1 }, DURATION_SEC),
    );
    const ticketSerial = summarize(
      await load('POST /v1/episodes, 1 connection', { ...ticketOpts, connections: 1 }, DURATION_SEC),
    );
    const barePaced = summarize(
      await load(`bare Express 202, ${RATE} req/s`, { ...bareOpts, overallRate: RATE }, DURATION_SEC),
    );
    const ticketPaced = summarize(
      await load(`POST /v1/episodes, ${RATE} req/s`, { ...ticketOpts, overallRate: RATE }, DURATION_SEC),
    );

    // GET /v1/jobs/:id over jobs of one user.
    const owner = keys[0]!;
    const listed = (await (
      await fetch(`${apiUrl}/v1/jobs?limit=100`, { headers: { authorization: `Bearer ${owner}` } })
    ).json()) as {
      items: Array<{ id: string }>;
    };
    const jobIds = listed.items.map((j) => j.id);
    if (jobIds.length === 0) throw new Error('no jobs to read');
    let j = 0;
    const getResult = summarize(
      await load(
        'GET /v1/jobs/:id',
        {
          ...common,
          url: apiUrl,
          requests: [
            {
              setupRequest: () => ({
                method: 'GET',
                path: `/v1/jobs/${jobIds[j++ % jobIds.length]}`,
                headers: { authorization: `Bearer ${owner}` },
              }),
            },
          ],
        },
        DURATION_SEC,
      ),
    );

    const result = {
      benchmark: 'api',
      at: new Date().toISOString(),
      // Other work on the machine skews every number: the load average says how much there was.
      machine: {
        cpus: cpus().length,
        node: process.version,
        loadAvgBefore,
        loadAvgAfter: loadavg().map((l) => Math.round(l * 100) / 100),
      },
      connections: CONNECTIONS,
      durationSec: DURATION_SEC,
      users: USERS,
      pacedRatePerSec: RATE,
      saturated: { bareExpress202: bareResult, postEpisodesTicket: ticketResult, getJob: getResult },
      paced: { bareExpress202: barePaced, postEpisodesTicket: ticketPaced },
      serial: { bareExpress202: bareSerial, postEpisodesTicket: ticketSerial },
      ratio: {
        saturatedP50: ratio(ticketResult.p50Ms, bareResult.p50Ms),
        saturatedP99: ratio(ticketResult.p99Ms, bareResult.p99Ms),
        pacedP50: ratio(ticketPaced.p50Ms, barePaced.p50Ms),
        pacedP99: ratio(ticketPaced.p99Ms, barePaced.p99Ms),
        serialP50: ratio(ticketSerial.p50Ms, bareSerial.p50Ms),
        serialP99: ratio(ticketSerial.p99Ms, bareSerial.p99Ms),
      },
      target: {
        ticketP99Ms: 10,
        saturatedMet: ticketResult.p99Ms <= 10,
        pacedMet: ticketPaced.p99Ms <= 10,
        serialMet: ticketSerial.p99Ms <= 10,
      },
    };
    const table = [
      ['scenario', 'req/s', 'p50 ms', 'p90 ms', 'p99 ms', 'non-2xx', 'errors'],
      ...(
        [
          ['bare Express 202 (saturated)', bareResult],
          ['POST /v1/episodes (saturated)', ticketResult],
          ['GET /v1/jobs/:id (saturated)', getResult],
          [`bare Express 202 (${RATE} req/s)`, barePaced],
          [`POST /v1/episodes (${RATE} req/s)`, ticketPaced],
          ['bare Express 202 (1 connection)', bareSerial],
          ['POST /v1/episodes (1 connection)', ticketSerial],
        ] as const
      ).map(([name, s]) => [name, s.rps, s.p50Ms, s.p90Ms, s.p99Ms, s.non2xx, s.errors].map(String)),
    ];
    const widths = table[0]!.map((_, c) => Math.max(...table.map((row) => row[c]!.length)));
    for (const row of table)
      process.stdout.write(`${row.map((cell, c) => cell.padEnd(widths[c]!)).join('  ')}\n`);
    process.stdout.write(
      `ticket p99 / bare p99: saturated ${result.ratio.saturatedP99}x, paced ${result.ratio.pacedP99}x, serial ${result.ratio.serialP99}x; ` +
        `target ticket p99 <= 10 ms: saturated ${met(result.target.saturatedMet)}, paced ${met(result.target.pacedMet)}, serial ${met(result.target.serialMet)}\n`,
    );
    const outDir = join(root, 'bench-results');
    await mkdir(outDir, { recursive: true });
    const file = join(outDir, 'api.json');
    await writeFile(file, `${JSON.stringify(result, null, 2)}\n`);
    process.stdout.write(`wrote ${file}\n`);
  } finally {
    for (const child of children) child.kill('SIGTERM');
    await Promise.all(
      children.map((c) => new Promise((r) => (c.exitCode !== null ? r(null) : c.once('exit', r)))),
    );
    const admin = new URL(dbUrl.toString());
    admin.pathname = '/postgres';
    const pg = createPrismaClient(admin.toString(), { maxConnections: 1 });
    await pg.$executeRawUnsafe(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
    await pg.$disconnect();
    const redis = createRedis(redisUrl, { role: 'client' });
    let cursor = '0';
    do {
      const [nextCursor, found] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = nextCursor;
      if (found.length > 0) await redis.unlink(...found);
    } while (cursor !== '0');
    redis.disconnect();
    await rm(work, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(
    `bench:api failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exit(1);
});

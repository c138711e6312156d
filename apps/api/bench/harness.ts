// What the API benchmarks share: a scratch database and queue prefix, the API (as `npm start`
// runs it) and a bare Express baseline as processes of their own, autocannon runs and their
// summaries, a printed table and a JSON file under bench-results/.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { childEnv, readEnv } from '@podfleet/config';
import { createPrismaClient, ensureMigrated } from '@podfleet/db';
import { createRedis, deleteKeysWithPrefix } from '@podfleet/queue';
import autocannon from 'autocannon';
import { RawHttpPool, type RawRequest } from './raw-http';

export const CONNECTIONS = 50;
/** The bench's API serves /metrics with this token (production requires one). */
const METRICS_TOKEN = randomBytes(16).toString('hex');

const args = process.argv.slice(2);
export const argValue = (name: string, fallback: number): number => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? Number(args[i + 1]) : fallback;
};

/** The options both API benches take (see their headers), with their defaults. */
export function loadOptions(defaultRate: number) {
  return {
    durationSec: argValue('duration', 10),
    warmupSec: argValue('warmup', 2),
    users: argValue('users', 200),
    rate: argValue('rate', defaultRate),
    rounds: argValue('rounds', 3),
  };
}
export type LoadOptions = ReturnType<typeof loadOptions>;

export const apiDir = resolve(__dirname, '..');
function repoRoot(): string {
  for (let dir = apiDir; dirname(dir) !== dir; dir = dirname(dir)) {
    if (existsSync(join(dir, 'pnpm-workspace.yaml'))) return dir;
  }
  throw new Error('workspace root not found');
}
export const root = repoRoot();
const tsx = join(root, 'node_modules', '.bin', 'tsx');
const profileDir = join(root, 'bench-results', 'profiles');

/** A started server: its process (tsx's), its port, and the pid of the node process serving. */
export interface StartedServer {
  child: ChildProcess;
  port: number;
  pid: number;
}

/** Starts a server process and resolves with its port once it logs its `ready` line. */
export function startServer(name: string, script: string, env: NodeJS.ProcessEnv): Promise<StartedServer> {
  return new Promise((resolveStart, reject) => {
    // --cpu-prof: the API writes a V8 CPU profile (open it in Chrome DevTools) when it exits.
    const profile =
      name === 'api' && args.includes('--cpu-prof') ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
    const child = spawn(tsx, [...profile, script], {
      cwd: apiDir,
      env,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      try {
        const entry = JSON.parse(line) as {
          msg?: string;
          port?: number;
          pid?: number;
          level?: string | number;
        };
        // tsx runs the script in a child process of its own: the ready line names the serving one.
        if (entry.msg === 'ready' && typeof entry.port === 'number' && typeof entry.pid === 'number')
          resolveStart({ child, port: entry.port, pid: entry.pid });
        else if (entry.level !== 'info' && entry.level !== 30) process.stderr.write(`[${name}] ${line}\n`);
      } catch {
        process.stderr.write(`[${name}] ${line}\n`);
      }
    });
    child.once('exit', (code) => reject(new Error(`${name} exited with code ${code} before it was ready`)));
  });
}

/** Runs `body` with one more server process (as startServer starts it), stopped after. */
export async function withServer<T>(
  name: string,
  script: string,
  env: NodeJS.ProcessEnv,
  body: (url: string, pid: number) => Promise<T>,
): Promise<T> {
  const { child, port, pid } = await startServer(name, script, env);
  try {
    return await body(`http://127.0.0.1:${port}/v1/episodes`, pid);
  } finally {
    await stopServers([child]);
  }
}

/** SIGTERM to each server process; resolves once every one has exited. */
async function stopServers(children: ChildProcess[]): Promise<void> {
  const exited = children.map((c) => new Promise((r) => (c.exitCode !== null ? r(null) : c.once('exit', r))));
  for (const child of children) child.kill('SIGTERM');
  await Promise.all(exited);
}

export const met = (ok: boolean) => (ok ? 'met' : 'NOT met');
export const ratio = (a: number, b: number) => Math.round((a / Math.max(b, 0.5)) * 10) / 10;

export interface Summary {
  requests: number;
  rps: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  avgMs: number;
  maxMs: number;
  non2xx: number;
  errors: number;
  /** CPU time of the serving process per recorded request (paced loads of a server with a pid). */
  cpuMsPerRequest?: number;
}

/** Linux's clock tick (USER_HZ), the unit of /proc/<pid>/stat times: 100 on every common build. */
const CLOCK_TICKS_PER_SEC = 100;

/** User + system CPU time a process has used so far, in ms (Linux /proc). */
async function processCpuMs(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  // Fields after the parenthesised command name (which may hold spaces): utime and stime are the 12th and 13th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SEC;
}

export function summarize(result: autocannon.Result): Summary {
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

export async function load(
  label: string,
  opts: autocannon.Options,
  durationSec: number,
): Promise<autocannon.Result> {
  process.stderr.write(`  ${label}: ${durationSec} s at ${opts.connections} connections…\n`);
  return autocannon({ ...opts, duration: durationSec });
}

/** One request of a paced load. */
export type PacedRequest = RawRequest;

const percentile = (sorted: number[], p: number) =>
  sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
const ms2 = (n: number) => Math.round(n * 100) / 100;

/**
 * Open-loop load: requests start at evenly spaced instants (`rate` per second) over a pool of
 * `connections` keep-alive sockets (RawHttpPool: the generator's own pauses stay out of the
 * figures), and each latency runs from the instant the request was due,
 * so a server (or a generator) falling behind shows up in full. autocannon's `overallRate` sends
 * each connection's quota back to back at the start of every second (bursts of `connections`
 * requests) and then pads its histogram for coordinated omission, which measures the bursts.
 * The first `warmupSec` run at the same rate unrecorded: caches (API keys, connection pools) and
 * the JIT start each load as warm as the previous load left its own server.
 */
export async function pacedLoad(
  label: string,
  baseUrl: string,
  next: () => PacedRequest,
  {
    rate,
    connections,
    durationSec,
    warmupSec = 1,
    onRecordingStart,
    pid,
  }: {
    rate: number;
    connections: number;
    durationSec: number;
    warmupSec?: number;
    /** Called (not awaited) when the warm-up ends and recording begins. */
    onRecordingStart?: () => void;
    /** The serving process, whose CPU time per recorded request is measured. */
    pid?: number;
  },
): Promise<Summary> {
  process.stderr.write(
    `  ${label}: ${durationSec} s at ${rate} req/s over ${connections} connections (after ${warmupSec} s unrecorded)…\n`,
  );
  const unrecorded = Math.round(rate * warmupSec);
  const url = new URL(baseUrl);
  const pool = new RawHttpPool(url.hostname, Number(url.port), connections);
  const latencies: number[] = [];
  let non2xx = 0;
  let errors = 0;
  const send = async (req: PacedRequest, due: number, recorded: boolean) => {
    // Timed from when it was due (a late send counts its wait), or from when it left if early.
    const from = Math.min(due, performance.now());
    try {
      const status = await pool.request(req);
      if (!recorded) return;
      if (status >= 200 && status < 300) latencies.push(performance.now() - from);
      else non2xx += 1;
    } catch {
      if (recorded) errors += 1;
    }
  };
  const total = Math.round(rate * durationSec);
  const inFlight: Array<Promise<void>> = [];
  let started = performance.now();
  let cpuBefore: Promise<number> | undefined;
  for (let i = 0; i < unrecorded + total; i++) {
    if (i === unrecorded) {
      started = performance.now();
      if (pid !== undefined) cpuBefore = processCpuMs(pid);
      onRecordingStart?.();
    }
    const due = started + ((i < unrecorded ? i : i - unrecorded) * 1000) / rate;
    const wait = due - performance.now();
    if (wait >= 1) await sleep(wait);
    inFlight.push(send(next(), due, i >= unrecorded));
  }
  await Promise.all(inFlight);
  const cpuMs = cpuBefore && pid !== undefined ? (await processCpuMs(pid)) - (await cpuBefore) : undefined;
  pool.close();
  const elapsedSec = (performance.now() - started) / 1000;
  const sorted = latencies.sort((a, b) => a - b);
  return {
    requests: total,
    rps: Math.round(total / elapsedSec),
    p50Ms: ms2(percentile(sorted, 50)),
    p90Ms: ms2(percentile(sorted, 90)),
    p99Ms: ms2(percentile(sorted, 99)),
    avgMs: ms2(sorted.reduce((a, b) => a + b, 0) / Math.max(1, sorted.length)),
    maxMs: ms2(sorted[sorted.length - 1] ?? 0),
    non2xx,
    errors,
    ...(cpuMs === undefined ? {} : { cpuMsPerRequest: ms2(cpuMs / total) }),
  };
}

/**
 * The API's own latency histogram (`podfleet_http_request_duration_seconds` on /metrics) for one
 * route's 2xx answers: cumulative counts by bucket bound in ms.
 */
async function serverHistogram(apiUrl: string, method: string, route: string): Promise<Map<number, number>> {
  // Only the histogram: a full /metrics read also runs the database-backed collectors, which
  // once delayed the first ~250 ms of the round it was meant to measure by up to 90 ms.
  const response = await fetch(`${apiUrl}/metrics?name=podfleet_http_request_duration_seconds`, {
    headers: { authorization: `Bearer ${METRICS_TOKEN}` },
  });
  if (response.status !== 200) throw new Error(`GET /metrics answered ${response.status}`);
  const text = await response.text();
  const buckets = new Map<number, number>();
  for (const line of text.split('\n')) {
    if (!line.startsWith('podfleet_http_request_duration_seconds_bucket{')) continue;
    const labels = Object.fromEntries(
      [...line.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]] as [string, string]),
    );
    if (labels.method !== method || labels.route !== route || !labels.status_code?.startsWith('2')) continue;
    const bound = labels.le === '+Inf' ? Number.POSITIVE_INFINITY : Number(labels.le) * 1000;
    buckets.set(bound, (buckets.get(bound) ?? 0) + Number(line.slice(line.lastIndexOf(' ') + 1)));
  }
  return buckets;
}

/** The smallest bucket bound holding 99 % of the answers counted between two readings. */
function p99Bound(before: Map<number, number>, after: Map<number, number>): number {
  const bounds = [...after.keys()].sort((a, b) => a - b);
  const count = (bound: number) => (after.get(bound) ?? 0) - (before.get(bound) ?? 0);
  const total = count(Number.POSITIVE_INFINITY);
  return bounds.find((bound) => count(bound) >= 0.99 * total) ?? Number.POSITIVE_INFINITY;
}

/**
 * A paced load run in rounds: the round of median p99 stands for it; every round's p99 is kept.
 * For the API, `serverP99AtMostMs` is what the API itself measured for the same requests (request
 * in to response out, from its /metrics histogram, so a bucket bound): the part of the tail that is
 * the API's; the rest is the loopback, the load generator and the other processes on the cores.
 */
export type PacedSummary = Summary & { p99ByRound: number[]; serverP99AtMostMs?: number[] };

export interface PacedTarget {
  label: string;
  baseUrl: string;
  next: () => PacedRequest;
  /** The API's route pattern of these requests, to read its own histogram around each round. */
  route?: { method: string; pattern: string };
  /** The serving process (see StartedServer), for its CPU time per request. */
  pid?: number;
}

/**
 * `rounds` paced runs of each target, alternating (a, b, a, b, …), so that a noisy moment of a
 * shared machine spoils one round of one target rather than a target's whole figure.
 */
export async function pacedRounds(
  rounds: number,
  targets: ReadonlyArray<PacedTarget>,
  options: { rate: number; connections: number; durationSec: number },
): Promise<PacedSummary[]> {
  const results = targets.map(() => [] as Summary[]);
  const serverP99 = targets.map(() => [] as number[]);
  for (let round = 1; round <= rounds; round++) {
    for (const [i, target] of targets.entries()) {
      const { route } = target;
      // Read when recording starts: the warm-up's requests are not the round's.
      let before: Promise<Map<number, number>> | undefined;
      const onRecordingStart = route
        ? () => {
            before = serverHistogram(target.baseUrl, route.method, route.pattern);
          }
        : undefined;
      const label = `${target.label} (round ${round}/${rounds})`;
      results[i]!.push(
        await pacedLoad(label, target.baseUrl, target.next, {
          ...options,
          onRecordingStart,
          pid: target.pid,
        }),
      );
      if (route && before) {
        const after = await serverHistogram(target.baseUrl, route.method, route.pattern);
        serverP99[i]!.push(p99Bound(await before, after));
      }
    }
  }
  return results.map((runs, i) => {
    const byP99 = [...runs].sort((a, b) => a.p99Ms - b.p99Ms);
    const cpu = runs.map((r) => r.cpuMsPerRequest).filter((c) => c !== undefined);
    return {
      ...byP99[Math.floor((byP99.length - 1) / 2)]!,
      // CPU per request varies far less than latency: every round counts (their mean).
      ...(cpu.length ? { cpuMsPerRequest: ms2(cpu.reduce((a, b) => a + b, 0) / cpu.length) } : {}),
      p99ByRound: runs.map((r) => r.p99Ms),
      ...(targets[i]!.route ? { serverP99AtMostMs: serverP99[i]! } : {}),
    };
  });
}

export interface Pair<S extends Summary = Summary> {
  bare: S;
  target: S;
}

/** The three loads, each on the bare 202 handler and on the target, in the same run. */
export interface BareComparison {
  saturated: Pair;
  paced: Pair<PacedSummary>;
  serial: Pair;
  /** The floor server (see Floor) under the paced and the serial load. */
  floor?: { paced: PacedSummary; serial: Summary };
}

/**
 * A second baseline: a server that makes only the target's database and Redis round trips
 * (bench/deps-server.ts). The target minus the floor is what the API's own code costs; the floor
 * minus the bare handler is what PostgreSQL and Redis cost on this machine at that moment.
 */
export interface Floor {
  label: string;
  url: string;
  next: () => PacedRequest;
  pid: number;
}

/**
 * Warms both servers, then runs the three loads on the bare handler (which gets `body` as is) and
 * on the target (`next` makes each request): saturated (autocannon, 50 connections), paced (in
 * alternating rounds) and one connection at a time.
 */
export async function compareWithBare(
  options: LoadOptions & {
    apiUrl: string;
    bareUrl: string;
    /** The API's and the bare handler's serving processes, for CPU per request. */
    pids: { api: number; bare: number };
    body: string;
    label: string;
    next: () => PacedRequest;
    /** The route pattern `next`'s requests match in the API (its /metrics label). */
    route: PacedTarget['route'];
    /** A server doing only the target's database and Redis round trips, run paced and serially too. */
    floor?: Floor;
  },
): Promise<BareComparison> {
  const { apiUrl, bareUrl, pids, body, label, next, route, durationSec, rate, floor } = options;
  const common = { connections: CONNECTIONS, pipelining: 1 };
  const headers = { 'content-type': 'application/json' };
  const bareOpts: autocannon.Options = { ...common, url: bareUrl, method: 'POST', headers, body };
  const targetOpts: autocannon.Options = { ...common, url: apiUrl, requests: [{ setupRequest: next }] };
  const bareRequest = (): PacedRequest => ({
    method: 'POST',
    path: new URL(bareUrl).pathname,
    headers,
    body,
  });

  await load('warm-up', bareOpts, options.warmupSec);
  await load('warm-up', targetOpts, options.warmupSec);
  const saturated = {
    bare: summarize(await load('bare Express 202, saturated', bareOpts, durationSec)),
    target: summarize(await load(`${label}, saturated`, targetOpts, durationSec)),
  };
  const floorTarget = floor && {
    label: `${floor.label}, ${rate} req/s`,
    baseUrl: floor.url,
    next: floor.next,
    pid: floor.pid,
  };
  const paced = await pacedRounds(
    options.rounds,
    [
      { label: `bare Express 202, ${rate} req/s`, baseUrl: bareUrl, next: bareRequest, pid: pids.bare },
      ...(floorTarget ? [floorTarget] : []),
      { label: `${label}, ${rate} req/s`, baseUrl: apiUrl, next, route, pid: pids.api },
    ],
    { rate, connections: CONNECTIONS, durationSec },
  );
  const serialOf = (what: string, opts: autocannon.Options) =>
    load(`${what}, 1 connection`, { ...opts, connections: 1 }, durationSec).then(summarize);
  const serial = {
    bare: await serialOf('bare Express 202', bareOpts),
    target: await serialOf(label, targetOpts),
  };
  const comparison: BareComparison = {
    saturated,
    paced: { bare: paced[0]!, target: paced.at(-1)! },
    serial,
  };
  if (!floor) return comparison;
  const floorOpts: autocannon.Options = {
    ...common,
    url: floor.url,
    requests: [{ setupRequest: floor.next }],
  };
  return { ...comparison, floor: { paced: paced[1]!, serial: await serialOf(floor.label, floorOpts) } };
}

/** Target over bare, p50 and p99, under each load. */
function comparisonRatios({ saturated, paced, serial }: BareComparison) {
  return {
    saturatedP50: ratio(saturated.target.p50Ms, saturated.bare.p50Ms),
    saturatedP99: ratio(saturated.target.p99Ms, saturated.bare.p99Ms),
    pacedP50: ratio(paced.target.p50Ms, paced.bare.p50Ms),
    pacedP99: ratio(paced.target.p99Ms, paced.bare.p99Ms),
    serialP50: ratio(serial.target.p50Ms, serial.bare.p50Ms),
    serialP99: ratio(serial.target.p99Ms, serial.bare.p99Ms),
  };
}

/** Whether the target's p99 is within `ms` under each load. */
function targetMet({ saturated, paced, serial }: BareComparison, ms: number) {
  return {
    saturatedMet: saturated.target.p99Ms <= ms,
    pacedMet: paced.target.p99Ms <= ms,
    serialMet: serial.target.p99Ms <= ms,
  };
}

/** Table rows, bare beside target, for each load. */
function comparisonRows(label: string, c: BareComparison, rate: number): Array<[string, Summary]> {
  return [
    ['bare Express 202 (saturated)', c.saturated.bare],
    [`${label} (saturated)`, c.saturated.target],
    [`bare Express 202 (${rate} req/s)`, c.paced.bare],
    ...(c.floor ? [[`${floorLabel} (${rate} req/s)`, c.floor.paced] as [string, Summary]] : []),
    [`${label} (${rate} req/s)`, c.paced.target],
    ['bare Express 202 (1 connection)', c.serial.bare],
    ...(c.floor ? [[`${floorLabel} (1 connection)`, c.floor.serial] as [string, Summary]] : []),
    [`${label} (1 connection)`, c.serial.target],
  ];
}

/** How tables and verdicts name the floor server. */
export const floorLabel = 'its round trips alone';

/** The closing lines: the p99 ratios, the target met or not under each load, every paced round. */
function comparisonVerdict(what: string, c: BareComparison, targetP99Ms: number): string {
  const r = comparisonRatios(c);
  const m = targetMet(c, targetP99Ms);
  return (
    `${what} p99 / bare p99: saturated ${r.saturatedP99}x, paced ${r.pacedP99}x, serial ${r.serialP99}x; ` +
    `target ${what} p99 <= ${targetP99Ms} ms: saturated ${met(m.saturatedMet)}, paced ${met(m.pacedMet)}, serial ${met(m.serialMet)}\n` +
    `paced p99 by round: bare ${c.paced.bare.p99ByRound.join(' / ')} ms, ${what} ${c.paced.target.p99ByRound.join(' / ')} ms (median round shown)\n` +
    `inside the API, paced p99 by round: <= ${(c.paced.target.serverP99AtMostMs ?? []).join(' / <= ')} ms (its own histogram; the rest of the tail is outside the API process)\n` +
    (c.floor
      ? `${floorLabel} (PostgreSQL and Redis, no API code), paced p99 by round: ${c.floor.paced.p99ByRound.join(' / ')} ms; ` +
        `the API's own code adds p50 ${ms2(c.paced.target.p50Ms - c.floor.paced.p50Ms)} ms paced, ${ms2(c.serial.target.p50Ms - c.floor.serial.p50Ms)} ms serially\n`
      : '') +
    `CPU of the serving process per request, paced: bare ${c.paced.bare.cpuMsPerRequest} ms, ` +
    (c.floor ? `${floorLabel} ${c.floor.paced.cpuMsPerRequest} ms, ` : '') +
    `${what} ${c.paced.target.cpuMsPerRequest} ms\n`
  );
}

export interface ComparisonReport {
  /** The bench's options and the load average before it started, for the result's header. */
  options: LoadOptions;
  loadAvgBefore: number[];
  /** The target as the table's rows name it, and as the verdict does. */
  label: string;
  what: string;
  comparison: BareComparison;
  /** The target's p99 in ms, and its key in the result (`ticketP99Ms`, …). */
  targetP99Ms: number;
  targetKey: string;
  /** Paced requests per second, for the rows' names. */
  rate: number;
  /** Rows after the comparison's own, and a line after the verdict. */
  extraRows?: Array<[string, Summary]>;
  note?: string;
  /** The bench's own result; the header, the ratios and the target met or not are added to it. */
  result: Record<string, unknown>;
}

/** Prints a comparison's table and verdict and writes its result to bench-results/<name>.json. */
export async function reportComparison(name: string, report: ComparisonReport): Promise<void> {
  const { label, what, comparison, targetP99Ms, targetKey, rate, extraRows = [], note = '' } = report;
  printTable([...comparisonRows(label, comparison, rate), ...extraRows]);
  process.stdout.write(`${comparisonVerdict(what, comparison, targetP99Ms)}${note}`);
  await writeResult(name, {
    ...resultHeader(name, report.loadAvgBefore, report.options),
    ...report.result,
    ratio: comparisonRatios(comparison),
    target: { [targetKey]: targetP99Ms, ...targetMet(comparison, targetP99Ms) },
  });
}

export interface BenchEnv {
  /** Environment of the API process (and the bare baseline). */
  env: NodeJS.ProcessEnv;
  databaseUrl: string;
  redisUrl: string;
  prefix: string;
  adminKey: string;
  /** Scratch directory (the API's fs storage is `${work}/media`). */
  work: string;
  /** The load average when the bench started: other work on the machine shows in every number. */
  loadAvgBefore: number[];
}

/**
 * Runs `body` against a scratch database (migrated) and queue prefix with the API and the bare
 * baseline started; removes the processes, the database, the Redis keys and the files after.
 */
export async function withBenchFleet(
  name: string,
  body: (
    fleet: BenchEnv & { apiUrl: string; bareUrl: string; pids: { api: number; bare: number } },
  ) => Promise<void>,
): Promise<void> {
  const loadAvgBefore = loadAverage();
  const base = readEnv();
  const runId = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
  const dbUrl = new URL(base.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/podfleet');
  const dbName = `podfleet_bench_${name}_${runId}`;
  dbUrl.pathname = `/${dbName}`;
  const redisUrl = base.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const prefix = `pfbench-${name}-${runId}`;
  const work = await mkdtemp(join(tmpdir(), `podfleet-bench-${name}-`));
  const adminKey = `bench-${randomBytes(16).toString('hex')}`;
  const children: ChildProcess[] = [];

  await ensureMigrated({ connectionString: dbUrl.toString() });
  try {
    const env: NodeJS.ProcessEnv = {
      ...childEnv(),
      NODE_ENV: 'production',
      PORT: '0',
      DATABASE_URL: dbUrl.toString(),
      REDIS_URL: redisUrl,
      QUEUE_PREFIX: prefix,
      ADMIN_API_KEY: adminKey,
      MEDIA_URL_SECRET: randomBytes(32).toString('hex'),
      WEBHOOK_SECRET: randomBytes(32).toString('hex'),
      METRICS_TOKEN,
      // Production wants it for the links it builds; the benches follow none.
      PUBLIC_BASE_URL: 'http://127.0.0.1:3000',
      STORAGE_DRIVER: 'fs',
      STORAGE_DIR: join(work, 'media'),
      LOG_LEVEL: 'warn',
      // Measure the request path itself, not the limits that would refuse it.
      MAX_QUEUE_SIZE: '100000000',
      USER_REQUESTS_PER_MINUTE: '100000000',
      USER_MAX_ACTIVE_JOBS: '100000',
    };
    const api = await startServer('api', 'src/main.ts', env);
    const bare = await startServer('bare', 'bench/bare-server.ts', env);
    children.push(api.child, bare.child);
    await body({
      loadAvgBefore,
      env,
      databaseUrl: dbUrl.toString(),
      redisUrl,
      prefix,
      adminKey,
      work,
      apiUrl: `http://127.0.0.1:${api.port}`,
      bareUrl: `http://127.0.0.1:${bare.port}/v1/episodes`,
      pids: { api: api.pid, bare: bare.pid },
    });
  } finally {
    await stopServers(children);
    const admin = new URL(dbUrl.toString());
    admin.pathname = '/postgres';
    const pg = createPrismaClient(admin.toString(), { maxConnections: 1 });
    await pg.$executeRawUnsafe(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
    await pg.$disconnect();
    const redis = createRedis(redisUrl, { role: 'client' });
    await deleteKeysWithPrefix(redis, prefix);
    redis.disconnect();
    await rm(work, { recursive: true, force: true });
  }
}

/** Creates users through the API (as an operator would); returns their keys and ids. */
export async function createUsers(
  apiUrl: string,
  adminKey: string,
  count: number,
  profile: Record<string, unknown> = {},
): Promise<Array<{ key: string; userId: string }>> {
  const users: Array<{ key: string; userId: string }> = [];
  for (let i = 0; i < count; i++) {
    const res = await fetch(`${apiUrl}/v1/users`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ email: `bench${i}@example.test`, ...profile }),
    });
    if (res.status !== 201) throw new Error(`creating a user answered ${res.status}: ${await res.text()}`);
    const created = (await res.json()) as { apiKey: string; user: { id: string } };
    users.push({ key: created.apiKey, userId: created.user.id });
  }
  return users;
}

/** What each API bench's result starts with: which bench, when, on what machine, under what load. */
function resultHeader(name: string, loadAvgBefore: number[], options: LoadOptions) {
  return {
    benchmark: name,
    at: new Date().toISOString(),
    machine: machine(loadAvgBefore),
    connections: CONNECTIONS,
    durationSec: options.durationSec,
    users: options.users,
    pacedRatePerSec: options.rate,
  };
}

/**
 * Runs a bench's `main`; a failure is printed with its stack and exits 1 (the servers it started
 * are stopped by withBenchFleet on the way out).
 */
export function runBench(name: string, main: () => Promise<void>): void {
  main().catch((err: unknown) => {
    process.stderr.write(
      `bench:${name} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    process.exit(1);
  });
}

/** Other work on a shared machine shows up in every number: the load average says how much there was. */
function machine(loadAvgBefore: number[]) {
  return {
    cpus: cpus().length,
    node: process.version,
    loadAvgBefore,
    loadAvgAfter: loadavg().map((l) => Math.round(l * 100) / 100),
  };
}

const loadAverage = () => loadavg().map((l) => Math.round(l * 100) / 100);

/** Prints rows of [scenario, Summary] as an aligned table. */
function printTable(rows: ReadonlyArray<readonly [string, Summary]>): void {
  const table = [
    ['scenario', 'req/s', 'p50 ms', 'p90 ms', 'p99 ms', 'non-2xx', 'errors', 'cpu ms/req'],
    ...rows.map(([name, s]) =>
      [name, s.rps, s.p50Ms, s.p90Ms, s.p99Ms, s.non2xx, s.errors, s.cpuMsPerRequest ?? ''].map(String),
    ),
  ];
  const widths = table[0]!.map((_, c) => Math.max(...table.map((row) => row[c]!.length)));
  for (const row of table)
    process.stdout.write(`${row.map((cell, c) => cell.padEnd(widths[c]!)).join('  ')}\n`);
}

/** Writes bench-results/<name>.json and says where. */
async function writeResult(name: string, result: unknown): Promise<void> {
  const outDir = join(root, 'bench-results');
  await mkdir(outDir, { recursive: true });
  const file = join(outDir, `${name}.json`);
  await writeFile(file, `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(`wrote ${file}\n`);
}

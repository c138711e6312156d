/**
 * `npm run bench:scale [-- --jobs 12 --workers 1,2,3 --minutes 1]`: the same load, `jobs` offline
 * episodes submitted at once through the API, run through 1, 2 and 3 audio worker processes (one
 * scraper, one uploader and the API throughout). Per round: episodes per minute and the ratio to
 * one worker, Redis commands and SQL statements per job, and the CPU time that explains where it
 * stops scaling. Prints a table and writes bench-results/scale.json. Not part of CI.
 *
 * Rounds are comparable: every job's text is its own, and each round's audio workers start with
 * an empty clip cache of their own, so every round voices its lines from scratch; only the script
 * writer's few stock lines (a sign-off, some questions) recur between jobs. Each round first runs
 * one unmeasured episode per audio worker (warm processes, stock lines cached alike).
 */

import { availableParallelism, cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import type { Supervisor } from '../src/supervisor';
import { machineBusySeconds, supervisedCpuSeconds, treeCpuSeconds } from './cpu-time';
import {
  type BenchEnvironment,
  benchOptions,
  countingBenchEnvironment,
  runBench,
  writeBenchResult,
} from './harness';
import type { StatementCountingProxy } from './pg-statement-counter';
import { type CommandCalls, callsBetween, commandCalls, scriptCalls } from './redis-commandstats';
import { median, perJob, round1, round2 } from './stats';

const values = benchOptions({ jobs: '12', workers: '1,2,3', minutes: '1', 'timeout-min': '15' });
const JOBS = Number(values.jobs);
const WORKER_COUNTS = values.workers.split(',').map(Number);
const MINUTES = Number(values.minutes);
const TIMEOUT_MS = Number(values['timeout-min']) * 60_000;
const CORES = cpus().length;

interface Fleet {
  bench: BenchEnvironment;
  apiUrl: string;
  /** The API, scraper and uploader, running through every round. */
  apps: Supervisor;
  sql: StatementCountingProxy;
  redis: Redis;
  redisPid: number;
}

async function reading(fleet: Fleet, audio: Supervisor) {
  return {
    redisCalls: await commandCalls(fleet.redis),
    sql: fleet.sql.counts(),
    audioCpuSec: supervisedCpuSeconds(audio),
    appsCpuSec: supervisedCpuSeconds(fleet.apps),
    redisCpuSec: treeCpuSeconds(fleet.redisPid),
    machineBusySec: machineBusySeconds(),
    at: performance.now(),
  };
}

async function runRound(fleet: Fleet, workers: number) {
  const { bench, apiUrl } = fleet;
  const label = `${workers} audio worker${workers === 1 ? '' : 's'}`;
  let cachedLines = 0;
  const audio = await bench.startApps(
    Array.from({ length: workers }, () => 'audio' as const),
    (_app, entry) => {
      if (entry.msg === 'episode audio assembled') cachedLines += Number(entry.cachedLines);
    },
    { DATABASE_URL: fleet.sql.url, TTS_CACHE_DIR: join(bench.env.TTS_CACHE_DIR!, `round-${workers}`) },
  );
  try {
    const api = bench.api(apiUrl);
    const apiKey = await api.createUser(`scale-${workers}-${Date.now()}@podfleet.local`);
    const runJobs = async (count: number, tag: string) => {
      const jobIds = await Promise.all(
        Array.from({ length: count }, (_, i) => api.submitTextEpisode(apiKey, `${tag}.${i + 1}`, MINUTES)),
      );
      const open = await bench.waitForJobs(jobIds, { label: `scale: ${label}`, timeoutMs: TIMEOUT_MS });
      if (open > 0) throw new Error(`${label}: ${open} jobs unfinished after ${TIMEOUT_MS / 60_000} min`);
      return jobIds;
    };
    // One episode per audio worker first, outside the measurement: a process's first job pays for
    // loading code and starting threads, and the writer's stock lines enter the round's clip cache.
    await runJobs(workers, `warm-up ${workers}`);
    cachedLines = 0;
    const loadAverage = loadavg()[0]!;
    const before = await reading(fleet, audio);
    const jobIds = await runJobs(JOBS, `${workers}`);
    // The uploader marks a job completed, then tells BullMQ: give those last commands a moment.
    await new Promise((r) => setTimeout(r, 1000));
    const after = await reading(fleet, audio);

    const jobs = await bench.db.job.findMany({
      where: { id: { in: jobIds } },
      select: { status: true, createdAt: true, completedAt: true },
    });
    const completed = jobs.filter((j) => j.status === 'completed');
    const audioStages = await bench.db.jobStage.findMany({
      where: { jobId: { in: jobIds }, stage: 'audio' },
      select: { durationMs: true },
    });
    const episodes = await bench.db.episode.findMany({
      where: { jobId: { in: jobIds } },
      select: { durationSec: true },
    });
    const firstSubmitted = Math.min(...jobs.map((j) => j.createdAt.getTime()));
    const lastCompleted = Math.max(...completed.map((j) => j.completedAt!.getTime()));
    const wallSec = (lastCompleted - firstSubmitted) / 1000;
    const windowSec = (after.at - before.at) / 1000;
    const redisCalls: CommandCalls = callsBetween(before.redisCalls, after.redisCalls);
    const redisCommands = Object.values(redisCalls).reduce((a, b) => a + b, 0);
    const sqlByKind = Object.fromEntries(
      Object.entries(after.sql.byKind).map(([kind, n]) => [kind, n - (before.sql.byKind[kind] ?? 0)]),
    );
    const audioCpuSec = after.audioCpuSec - before.audioCpuSec;
    const appsCpuSec = after.appsCpuSec - before.appsCpuSec;
    const redisCpuSec = after.redisCpuSec - before.redisCpuSec;
    const audioStageSec = audioStages.flatMap((s) => (s.durationMs === null ? [] : [s.durationMs / 1000]));
    return {
      workers,
      jobs: JOBS,
      completed: completed.length,
      failed: JOBS - completed.length,
      episodesPerMin: round1((completed.length / wallSec) * 60),
      wallSec: round1(wallSec),
      episodeSec: round1(median(episodes.map((e) => e.durationSec))),
      /** Lines taken from the clip cache: the writer's stock lines (a sign-off, questions). */
      cachedLines,
      /** Executed by Redis: client commands plus the commands inside BullMQ's Lua scripts. */
      redisCommandsPerJob: round1(redisCommands / JOBS),
      /** Of which script calls (EVALSHA), each one round trip running several commands. */
      redisScriptCallsPerJob: round1(scriptCalls(redisCalls) / JOBS),
      redisCommandsByNamePerJob: perJob(redisCalls, JOBS),
      sqlStatementsPerJob: round1((after.sql.statements - before.sql.statements) / JOBS),
      sqlStatementsByKindPerJob: perJob(sqlByKind, JOBS),
      audioStageSec: { p50: round1(median(audioStageSec)), max: round1(Math.max(...audioStageSec)) },
      cpu: {
        /** CPU of the audio workers and their espeak-ng and ffmpeg children, per episode. */
        audioSecPerEpisode: round2(audioCpuSec / JOBS),
        /** Cores the audio workers kept busy on average over the round. */
        audioCores: round2(audioCpuSec / windowSec),
        /** The API, scraper and uploader, and the bench's Redis (PostgreSQL is shared, not counted). */
        otherAppsSecPerEpisode: round2(appsCpuSec / JOBS),
        redisSecPerEpisode: round2(redisCpuSec / JOBS),
        fleetSecPerEpisode: round2((audioCpuSec + appsCpuSec + redisCpuSec) / JOBS),
        fleetCores: round2((audioCpuSec + appsCpuSec + redisCpuSec) / windowSec),
        /** Every process on the machine, other people's included, out of `cores`. */
        machineBusyCores: round2((after.machineBusySec - before.machineBusySec) / windowSec),
        /** What `cores` could finish at most if the fleet had them to itself (PostgreSQL aside). */
        ceilingEpisodesPerMin: round1((CORES * 60) / ((audioCpuSec + appsCpuSec + redisCpuSec) / JOBS)),
      },
      loadAverage1m: { start: round2(loadAverage), end: round2(loadavg()[0]!) },
    };
  } finally {
    await audio.stop();
  }
}

async function main() {
  // A Redis of its own: INFO commandstats then counts the fleet's commands and nothing else.
  const counting = await countingBenchEnvironment('scale', {
    // One user per round with every job active at once: the per-user slots never hold a job back.
    USER_MAX_ACTIVE_JOBS: String(JOBS),
    USER_REQUESTS_PER_MINUTE: String(JOBS + 10),
    MAX_QUEUE_SIZE: String(Math.max(1000, JOBS * 2)),
  });
  const { bench, redis, sql } = counting;
  try {
    const redisPid = Number(/process_id:(\d+)/.exec(await redis.info('server'))?.[1]);
    const apps = await bench.startApps(['api', 'scraper', 'uploader'], undefined, { DATABASE_URL: sql.url });
    const fleet: Fleet = { bench, apiUrl: bench.apiUrl, apps, sql, redis, redisPid };
    const results = [];
    for (const workers of WORKER_COUNTS) {
      results.push(await runRound(fleet, workers));
      process.stderr.write(`scale: ${workers} audio worker(s) done\n`);
    }
    const base = results.find((r) => r.workers === 1) ?? results[0]!;
    const withRatios = results.map((r) => ({
      ...r,
      ratioToOne: round2(r.episodesPerMin / base.episodesPerMin),
    }));
    const file = await writeBenchResult('scale', {
      machine: {
        cores: CORES,
        availableParallelism: availableParallelism(),
        cpuModel: cpus()[0]?.model,
      },
      load: {
        jobs: JOBS,
        targetMinutes: MINUTES,
        workerCounts: WORKER_COUNTS,
        sources: "one bundled text sample, rewritten per job (only the script writer's stock lines recur)",
        providers: { script: 'local', tts: 'espeak' },
        clipCache: 'empty and separate per round, then one unmeasured episode per audio worker',
        alsoRunning: 'api, scraper, uploader: one process each',
      },
      counting: {
        redis: 'INFO commandstats of a Redis started for the bench, after minus before the round',
        sql: "'Q' and 'E' frontend messages through a proxy in front of PostgreSQL",
      },
      results: withRatios,
    });

    const rows = [
      ['audio workers', ...withRatios.map((r) => String(r.workers))],
      ['episodes / min', ...withRatios.map((r) => String(r.episodesPerMin))],
      ['ratio to 1 worker', ...withRatios.map((r) => `${r.ratioToOne}×`)],
      ['Redis commands / job', ...withRatios.map((r) => String(r.redisCommandsPerJob))],
      ['  of which script calls', ...withRatios.map((r) => String(r.redisScriptCallsPerJob))],
      ['SQL statements / job', ...withRatios.map((r) => String(r.sqlStatementsPerJob))],
      ['lines from the clip cache', ...withRatios.map((r) => String(r.cachedLines))],
      ['audio stage wall s (p50)', ...withRatios.map((r) => String(r.audioStageSec.p50))],
      ['audio CPU s / episode', ...withRatios.map((r) => String(r.cpu.audioSecPerEpisode))],
      ['fleet CPU s / episode', ...withRatios.map((r) => String(r.cpu.fleetSecPerEpisode))],
      ['cores used: audio workers', ...withRatios.map((r) => String(r.cpu.audioCores))],
      ['cores used: whole fleet', ...withRatios.map((r) => String(r.cpu.fleetCores))],
      [
        'cores used: everything else',
        ...withRatios.map((r) => String(round2(r.cpu.machineBusyCores - r.cpu.fleetCores))),
      ],
      ['load average (start)', ...withRatios.map((r) => String(r.loadAverage1m.start))],
    ];
    console.log(
      `\npodfleet scale benchmark: ${JOBS} episodes of ~${withRatios[0]!.episodeSec} s per round, ${CORES} cores`,
    );
    for (const [label, ...cells] of rows)
      console.log(`  ${label!.padEnd(30)}${cells.map((c) => c.padStart(9)).join('')}`);
    const fleetCpu = median(withRatios.map((r) => r.cpu.fleetSecPerEpisode));
    const fleetCores = withRatios.map((r) => r.cpu.fleetCores);
    console.log(
      [
        `  why it stops: an episode costs ~${fleetCpu} CPU s, ~${median(withRatios.map((r) => r.cpu.audioSecPerEpisode))} of them in the audio workers`,
        `  (espeak-ng, loudness, ffmpeg), so ${CORES} cores finish at most ~${round1((CORES * 60) / fleetCpu)} episodes/min, however many`,
        `  workers run. The fleet had ${Math.min(...fleetCores)}–${Math.max(...fleetCores)} of the ${CORES} cores here; PostgreSQL and whatever`,
        '  else runs on the machine had the rest ("everything else").',
      ].join('\n'),
    );
    console.log(`  written to ${file}`);
    if (withRatios.some((r) => r.failed > 0)) process.exitCode = 1;
  } finally {
    await counting.cleanup();
  }
}

runBench('scale', main);

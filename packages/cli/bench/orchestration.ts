/**
 * `npm run bench:orchestration [-- --jobs 400 --rounds 3 --probe 15 --replicas 2 --in-flight 16
 * --storage memory]`: what the fleet's orchestration costs, with nothing else to do. The real
 * worker runtime, stage runner, bookkeeping (PostgreSQL rows and events, progress, SSE events)
 * and lifecycle (submit, publish, per-user slots) with instant providers, storage included (in
 * memory; `--storage fs` uses the fs driver; see instant-fleet.ts), in this process, against raw
 * BullMQ 4-stage flows through no-op workers of the same count and
 * concurrency, in the same run, on a Redis of its own. Reports:
 * - throughput: jobs/s for both (first submit → last upload finished), in alternating rounds
 *   (`--rounds`, default 3), and the ratio of their medians;
 * - idle overhead per job: jobs one at a time on a just-started fleet, end to end minus the
 *   stages' own work, with each step's share (job-timeline.ts), the first job apart;
 * - SQL statements per job (a counting proxy before PostgreSQL, a round of its own so the proxy
 *   slows neither measurement) and Redis commands per job (INFO commandstats) for both.
 * Prints a table and writes bench-results/orchestration.json. Not part of CI.
 */

import { availableParallelism, loadavg } from 'node:os';
import { type SubmitUser, submitEpisodeJob } from '@podfleet/pipeline';
import { QUEUES } from '@podfleet/queue';
import { benchOptions, countingBenchEnvironment, runBench, writeBenchResult } from './harness';
import { type InstantFleet, type InstantFleetOptions, startInstantFleet } from './instant-fleet';
import { jobTimelines, overheadBreakdown } from './job-timeline';
import { inPool, type RawFlowsResult, runRawFlows } from './raw-flows';
import { type CommandCalls, callsBetween, commandCalls, scriptCalls } from './redis-commandstats';
import { median, percentile, perJob, round1, summary } from './stats';

const values = benchOptions({
  jobs: '400',
  probe: '15',
  'count-jobs': '50',
  replicas: '2',
  'in-flight': '16',
  rounds: '3',
  storage: 'memory',
});
const JOBS = Number(values.jobs);
const PROBE = Number(values.probe);
const COUNT_JOBS = Number(values['count-jobs']);
const ROUNDS = Number(values.rounds);
const REPLICAS = Number(values.replicas);
const IN_FLIGHT = Number(values['in-flight']);
if (values.storage !== 'memory' && values.storage !== 'fs') throw new Error('--storage is memory or fs');
const STORAGE = values.storage;
const CONCURRENCY = {
  scrape: QUEUES.scrape.concurrency,
  script: QUEUES.script.concurrency,
  audio: QUEUES.audio.concurrency,
  upload: QUEUES.upload.concurrency,
};

/** Submits `count` jobs, `inFlight` at a time, as the API does (submit_job, then the flow). */
async function submitJobs(
  fleet: InstantFleet,
  user: SubmitUser,
  count: number,
  inFlight: number,
  tag: string,
) {
  const jobIds: string[] = [];
  const finished = fleet.uploadsFinished(count);
  await inPool(
    Array.from({ length: count }, (_, i) => i),
    inFlight,
    async (i) => {
      const { job } = await submitEpisodeJob(fleet.ctx, {
        userId: user.id,
        user,
        request: {
          type: 'custom',
          sources: [
            { kind: 'text', title: `Bulletin ${tag}.${i}`, text: `News item ${tag}.${i}: all is well.` },
          ],
          style: { targetMinutes: 0.5 },
          forceRegenerate: false,
          priority: 'normal',
        },
      });
      jobIds.push(job.id);
    },
  );
  await finished;
  return jobIds;
}

async function main() {
  // A Redis of its own: INFO commandstats counts the fleet's (then raw BullMQ's) commands only.
  const counting = await countingBenchEnvironment('orchestration');
  const { bench, redis, redisUrl, sql } = counting;
  const fleetOptions = (databaseUrl: string): InstantFleetOptions => ({
    databaseUrl,
    redisUrl,
    prefix: bench.prefix,
    storage: STORAGE,
    storageDir: bench.storageDir,
    replicas: REPLICAS,
    // Every job of the run at once: per-user slots never hold one back.
    userMaxActiveJobs: JOBS + COUNT_JOBS + PROBE + IN_FLIGHT,
  });
  try {
    const user = await bench.db.user.create({
      data: { email: `orchestration-${Date.now()}@podfleet.local` },
      select: { id: true, timezone: true, sources: true, style: true, webhookUrl: true },
    });
    const loadAverageStart = loadavg()[0]!;

    // 1. Idle: one job at a time through a fleet just started (its first job included).
    let fleet = await startInstantFleet(fleetOptions(bench.env.DATABASE_URL!));
    const probeIds: string[] = [];
    for (let i = 0; i < PROBE; i++) probeIds.push(...(await submitJobs(fleet, user, 1, 1, `probe${i}`)));
    await fleet.close();
    const timelines = await jobTimelines(bench.db, redis, bench.prefix, probeIds);
    const overheads = timelines.map((t) => t.overheadMs);
    process.stderr.write(`orchestration: idle probe done (${PROBE} jobs one at a time)\n`);

    // 2. Statements per job, through the counting proxy (a round of its own: the proxy costs time).
    fleet = await startInstantFleet(fleetOptions(sql.url));
    const sqlBefore = sql.counts();
    await submitJobs(fleet, user, COUNT_JOBS, IN_FLIGHT, 'count');
    const sqlAfter = sql.counts();
    await fleet.close();
    const sqlByKind = Object.fromEntries(
      Object.entries(sqlAfter.byKind).map(([kind, n]) => [kind, n - (sqlBefore.byKind[kind] ?? 0)]),
    );

    // 3. Throughput in alternating rounds, so the machine's noise hits both alike: JOBS submitted
    //    IN_FLIGHT at a time through the warm fleet, then JOBS raw BullMQ flows of the same shape,
    //    worker count and concurrency. Redis commands are counted over the first round.
    fleet = await startInstantFleet(fleetOptions(bench.env.DATABASE_URL!));
    await submitJobs(fleet, user, IN_FLIGHT, IN_FLIGHT, 'warm-up');
    const rawFlows = (flows: number, prefix: string) =>
      runRawFlows({
        redisUrl,
        prefix,
        flows,
        inFlight: IN_FLIGHT,
        replicas: REPLICAS,
        concurrency: CONCURRENCY,
      });
    await rawFlows(IN_FLIGHT, `${bench.prefix}-warm`);
    const fleetRates: number[] = [];
    const rawRates: number[] = [];
    let fleetRedis: CommandCalls = {};
    let rawRedis: CommandCalls = {};
    let raw: RawFlowsResult | undefined;
    for (let round = 0; round < ROUNDS; round++) {
      const before = await commandCalls(redis);
      const started = performance.now();
      await submitJobs(fleet, user, JOBS, IN_FLIGHT, `load${round}`);
      fleetRates.push(JOBS / ((performance.now() - started) / 1000));
      const between = await commandCalls(redis);
      raw = await rawFlows(JOBS, `${bench.prefix}-${round}`);
      rawRates.push(JOBS / (raw.wallMs / 1000));
      if (round === 0) {
        fleetRedis = callsBetween(before, between);
        rawRedis = callsBetween(between, await commandCalls(redis));
      }
      process.stderr.write(`orchestration: round ${round + 1} of ${ROUNDS} done\n`);
    }
    await fleet.close();

    const fleetJobsPerSec = median(fleetRates);
    const rawFlowsPerSec = median(rawRates);
    const fleetRedisTotal = Object.values(fleetRedis).reduce((a, b) => a + b, 0);
    const rawRedisTotal = Object.values(rawRedis).reduce((a, b) => a + b, 0);
    const result = {
      machine: { cores: availableParallelism() },
      loadAverage1m: { start: round1(loadAverageStart), end: round1(loadavg()[0]!) },
      setup: {
        jobs: JOBS,
        probeJobs: PROBE,
        countedJobs: COUNT_JOBS,
        replicas: REPLICAS,
        concurrencyPerWorker: CONCURRENCY,
        inFlightSubmissions: IN_FLIGHT,
        rounds: ROUNDS,
        providers: 'instant: text sources, a fixed two-line script, no voicing or encoding',
        storage: STORAGE === 'memory' ? 'in memory (instant)' : 'the fs driver (fsync per artifact)',
      },
      fleet: {
        jobsPerSec: round1(fleetJobsPerSec),
        jobsPerSecByRound: fleetRates.map(round1),
        /** Jobs one at a time on a just-started fleet: end to end minus the stages' work, p50. */
        idleOverheadMsP50: round1(percentile(overheads, 50)),
        idleOverheadMs: summary(overheads),
        firstJobOverheadMs: overheads[0] ?? null,
        idleOverheadByStepMsP50: overheadBreakdown(timelines),
        idleEndToEndMs: summary(timelines.map((t) => t.endToEndMs)),
        sqlStatementsPerJob: round1((sqlAfter.statements - sqlBefore.statements) / COUNT_JOBS),
        sqlStatementsByKindPerJob: perJob(sqlByKind, COUNT_JOBS),
        redisCommandsPerJob: round1(fleetRedisTotal / JOBS),
        redisScriptCallsPerJob: round1(scriptCalls(fleetRedis) / JOBS),
        redisCommandsByNamePerJob: perJob(fleetRedis, JOBS),
      },
      raw: {
        flowsPerSec: round1(rawFlowsPerSec),
        flowsPerSecByRound: rawRates.map(round1),
        hopMs: summary(raw!.hopMs),
        endToEndMs: summary(raw!.endToEndMs),
        redisCommandsPerJob: round1(rawRedisTotal / JOBS),
        redisScriptCallsPerJob: round1(scriptCalls(rawRedis) / JOBS),
        redisCommandsByNamePerJob: perJob(rawRedis, JOBS),
      },
      ratio: Math.round((fleetJobsPerSec / rawFlowsPerSec) * 1000) / 1000,
    };
    const file = await writeBenchResult('orchestration', result);
    const row = (label: string, value: unknown) =>
      process.stdout.write(
        `${label.padEnd(40)} ${typeof value === 'string' ? value : JSON.stringify(value)}\n`,
      );
    const { fleet: f, raw: r } = result;
    row(
      'fleet jobs/s (instant providers)',
      `${f.jobsPerSec} (median; rounds ${f.jobsPerSecByRound.join(', ')})`,
    );
    row('raw BullMQ flows/s', `${r.flowsPerSec} (median; rounds ${r.flowsPerSecByRound.join(', ')})`);
    row('ratio fleet / raw', String(result.ratio));
    row(
      'SQL statements per job (fleet)',
      `${f.sqlStatementsPerJob} ${JSON.stringify(f.sqlStatementsByKindPerJob)}`,
    );
    row('Redis commands per job (fleet / raw)', `${f.redisCommandsPerJob} / ${r.redisCommandsPerJob}`);
    row('  of which script calls', `${f.redisScriptCallsPerJob} / ${r.redisScriptCallsPerJob}`);
    row('idle overhead ms per job', f.idleOverheadMs);
    row('  first job', String(f.firstJobOverheadMs));
    row('  p50 by step', f.idleOverheadByStepMsP50);
    row('raw BullMQ hop ms', r.hopMs);
    row('load average (start, end)', result.loadAverage1m);
    row('written', file);
  } finally {
    await counting.cleanup();
  }
}

runBench('orchestration', main);

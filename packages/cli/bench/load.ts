/**
 * `pnpm bench:load [--jobs 200] [--replicas 2] [--minutes 0.5] [--probe 3] [--paced 100]`: N short
 * offline episodes through the API and `replicas` processes of each worker app, then, in the same run, a
 * raw BullMQ 4-stage flow of no-op stages with as many workers, for the queue's own cost. Reports
 * throughput, ticket latency (POST /v1/episodes), lost and duplicated jobs, and the time a job
 * spends between stages. Before the load, `probe` jobs run one at a time through the fleet just
 * started (the first one is every fresh container's first job): for each, the time beyond its
 * stages' own work (a stage's work is its row's started_at → finished_at), split into the steps
 * of job-timeline.ts (queued in BullMQ, before and after each stage's work). Ticket latency is
 * read two ways: the load's own submissions (`in-flight` at a time: mostly their own queue in the
 * API), and `paced` tickets, one every `pace-ms`, each job cancelled once answered, sent while the
 * fleet drains the load flat out (and `min(paced, 20)` of them at idle before it): how long one
 * user waits while the workers saturate the cores. Workers run as npm start runs them, below the
 * API's CPU priority (`--worker-priority 0`: at the API's, as before). Prints a table and writes
 * bench-results/load.json. Not part of CI.
 */

import { availableParallelism } from 'node:os';
import { createRedis } from '@podfleet/queue';
import { WORKER_PRIORITY } from '../src/fleet';
import type { Supervisor } from '../src/supervisor';
import { machineBusySeconds, supervisedCpuSeconds } from './cpu-time';
import { type BenchEnvironment, benchEnvironment, benchOptions, runBench, writeBenchResult } from './harness';
import { jobTimelines, overheadBreakdown } from './job-timeline';
import { pacedTickets } from './paced-tickets';
import { inPool, runRawFlows } from './raw-flows';
import { summary } from './stats';

const values = benchOptions({
  jobs: '200',
  replicas: '2',
  minutes: '0.5',
  'in-flight': '16',
  'timeout-min': '60',
  probe: '3',
  paced: '100',
  'pace-ms': '250',
  'worker-priority': String(WORKER_PRIORITY),
});
const N = Number(values.jobs);
const REPLICAS = Number(values.replicas);
const MINUTES = Number(values.minutes);
const IN_FLIGHT = Number(values['in-flight']);
/** Paced tickets (one every PACE_MS, each cancelled once answered) while the fleet works flat out. */
const PACED = Number(values.paced);
const PACE_MS = Number(values['pace-ms']);
/** As many at idle, before the load, for comparison. */
const PACED_IDLE = Math.min(PACED, 20);
/** The workers' CPU priority (nice): npm start's by default; 0 runs them at the API's, as before. */
const WORKER_NICE = Number(values['worker-priority']);
const TIMEOUT_MS = Number(values['timeout-min']) * 60_000;
/** Jobs run one at a time before the load: the fleet's own per-job cost, with no queueing. */
const PROBE = Number(values.probe);
const STAGES = ['scrape', 'script', 'audio', 'upload'] as const;
/** Jobs one user may have in the fleet at once (USER_MAX_ACTIVE_JOBS): one user per three jobs. */
const PER_USER = 3;

/** Waits for `jobIds` to finish; the ones still open at the time-out count as lost. */
async function waitUntilFinished(bench: BenchEnvironment, jobIds: string[]): Promise<void> {
  const open = await bench.waitForJobs(jobIds, { label: 'load', timeoutMs: TIMEOUT_MS });
  if (open > 0)
    process.stderr.write(`load: giving up with ${open} jobs unfinished after ${TIMEOUT_MS / 60_000} min\n`);
}

/** Per completed job: end to end, end to end minus the stages' work, and the stage-to-stage hops. */
async function timings(bench: BenchEnvironment, jobIds: string[]) {
  const jobs = await bench.db.job.findMany({
    where: { id: { in: jobIds }, status: 'completed' },
    select: { id: true, createdAt: true, completedAt: true },
  });
  const stages = await bench.db.jobStage.findMany({ where: { jobId: { in: jobIds } } });
  const e2e: number[] = [];
  const overhead: number[] = [];
  const hops: number[] = [];
  const firstPickup: number[] = [];
  for (const job of jobs) {
    const rows = STAGES.map((s) => stages.find((r) => r.jobId === job.id && r.stage === s));
    if (rows.some((r) => !r?.startedAt || !r.finishedAt)) continue;
    const total = job.completedAt!.getTime() - job.createdAt.getTime();
    const work = rows.reduce((sum, r) => sum + (r!.finishedAt!.getTime() - r!.startedAt!.getTime()), 0);
    e2e.push(total);
    overhead.push(total - work);
    firstPickup.push(rows[0]!.startedAt!.getTime() - job.createdAt.getTime());
    for (let i = 1; i < rows.length; i++)
      hops.push(rows[i]!.startedAt!.getTime() - rows[i - 1]!.finishedAt!.getTime());
  }
  return {
    endToEndMs: summary(e2e),
    /** End to end minus the four stages' work: time queued, between stages and in bookkeeping. */
    queueAndBookkeepingMs: summary(overhead),
    /** One stage finished → the next one started (BullMQ hand-over, a free worker, DB writes). */
    hopMs: summary(hops),
    /** Submitted → the first stage started. */
    firstPickupMs: summary(firstPickup),
  };
}

async function runFleet(bench: BenchEnvironment, apiUrl: string, apps: Supervisor[]) {
  const api = bench.api(apiUrl);
  const users: string[] = [];
  // One user per PER_USER load jobs, one for the probe jobs, one for the paced tickets.
  for (let i = 0; i < Math.ceil(N / PER_USER) + 2; i++)
    users.push(await api.createUser(`load-${i}-${Date.now()}@podfleet.local`));
  const submit = async (i: number, key: string) => {
    const t0 = performance.now();
    const jobId = await api.submitTextEpisode(key, `${i}`, MINUTES);
    return { jobId, ms: performance.now() - t0 };
  };

  const pacedKey = users.pop()!;
  const paced = (count: number, stop?: () => boolean) =>
    pacedTickets({
      count,
      everyMs: PACE_MS,
      send: async () => (await submit(0, pacedKey)).jobId,
      cancel: async (jobId) => {
        await fetch(`${apiUrl}/v1/jobs/${jobId}`, {
          method: 'DELETE',
          headers: { authorization: `Bearer ${pacedKey}` },
        });
      },
      ...(stop ? { stop } : {}),
    });

  // Probe: one job at a time through an idle fleet.
  const probeIds: string[] = [];
  const probeTickets: number[] = [];
  for (let p = 0; p < PROBE; p++) {
    const { jobId, ms: ticketMs } = await submit(N + p, users.at(-1)!);
    probeTickets.push(ticketMs);
    probeIds.push(jobId);
    await waitUntilFinished(bench, [jobId]);
  }
  const redis = createRedis(bench.env.REDIS_URL!, { role: 'client' });
  const probeTimelines = await jobTimelines(bench.db, redis, bench.prefix, probeIds);
  redis.disconnect();
  const probe = {
    jobs: PROBE,
    ticketMs: summary(probeTickets),
    ...(await timings(bench, probeIds)),
    /** Each probe job's overhead in submission order: the first one runs on a fresh fleet. */
    overheadMsByJob: probeTimelines.map((t) => t.overheadMs),
    /** p50 of each step of the overhead (see job-timeline.ts). */
    overheadBreakdownMs: overheadBreakdown(probeTimelines),
    timelines: probeTimelines,
  };
  const idlePacedTickets = await paced(PACED_IDLE);
  process.stderr.write(`load: probe done (${PROBE} jobs one at a time, ${PACED_IDLE} paced tickets)\n`);

  // Load: N jobs submitted IN_FLIGHT at a time, then drained.
  const fleetCpu = () => apps.reduce((sum, s) => sum + supervisedCpuSeconds(s), 0);
  const cpuBefore = { fleet: fleetCpu(), machine: machineBusySeconds(), at: performance.now() };
  const tickets: number[] = [];
  const jobIds: string[] = [];
  const started = performance.now();
  await inPool(
    Array.from({ length: N }, (_, i) => i),
    IN_FLIGHT,
    async (i) => {
      const { jobId, ms: ticketMs } = await submit(i, users[i % (users.length - 1)]!);
      tickets.push(ticketMs);
      jobIds.push(jobId);
    },
  );
  const submitSec = (performance.now() - started) / 1000;
  process.stderr.write(`load: ${N} jobs submitted in ${submitSec.toFixed(1)} s\n`);
  // While the fleet drains the load flat out: paced tickets, and how busy the machine is meanwhile.
  let drained = false;
  const finished = waitUntilFinished(bench, jobIds).then(() => {
    drained = true;
  });
  const busyBefore = machineBusySeconds();
  const pacedStarted = performance.now();
  const loadPacedTickets = await paced(PACED, () => drained);
  const pacedWindowSec = (performance.now() - pacedStarted) / 1000;
  const coresBusyWhilePaced = (machineBusySeconds() - busyBefore) / pacedWindowSec;
  await finished;
  const loadSec = (performance.now() - cpuBefore.at) / 1000;
  const fleetCpuSec = fleetCpu() - cpuBefore.fleet;
  const machineCpuSec = machineBusySeconds() - cpuBefore.machine;

  const jobs = await bench.db.job.findMany({
    where: { id: { in: jobIds } },
    select: { id: true, status: true, errorCode: true, createdAt: true, completedAt: true },
  });
  const stages = await bench.db.jobStage.findMany({ where: { jobId: { in: jobIds } } });
  const episodes = await bench.db.episode.findMany({
    where: { jobId: { in: jobIds } },
    select: { jobId: true, durationSec: true },
  });
  const uploadEvents = await bench.db.jobEvent.findMany({
    where: { jobId: { in: jobIds }, type: 'stage_completed' },
    select: { jobId: true, data: true },
  });

  const completed = jobs.filter((j) => j.status === 'completed');
  const countBy = (ids: string[]) => {
    const counts = new Map<string, number>();
    for (const id of ids) counts.set(id, (counts.get(id) ?? 0) + 1);
    return [...counts.values()];
  };
  const extra = (counts: number[]) => counts.reduce((sum, n) => sum + Math.max(0, n - 1), 0);
  const uploads = uploadEvents.filter((e) => (e.data as { stage?: string }).stage === 'upload');
  const failures: Record<string, number> = {};
  for (const j of jobs.filter((j) => j.status !== 'completed')) {
    const key = `${j.status}:${j.errorCode ?? '-'}`;
    failures[key] = (failures[key] ?? 0) + 1;
  }
  const first = Math.min(...jobs.map((j) => j.createdAt.getTime()));
  const last = Math.max(...completed.map((j) => j.completedAt!.getTime()));
  const wallMin = (last - first) / 60_000;
  const durations = episodes.map((e) => e.durationSec);
  return {
    probe: { ...probe, pacedTicketMs: summary(idlePacedTickets) },
    load: {
      jobs: N,
      completed: completed.length,
      /** Jobs that did not end completed (failed, or still unfinished at the time-out). */
      lost: N - completed.length,
      failures,
      duplicated: {
        episodes: extra(countBy(episodes.map((e) => e.jobId))),
        uploadCompletions: extra(countBy(uploads.map((e) => e.jobId))),
      },
      stageReruns: stages.filter((r) => r.attempts > 1).length,
      submitSec: Math.round(submitSec * 10) / 10,
      wallMin: Math.round(wallMin * 100) / 100,
      throughputJobsPerMin: Math.round((completed.length / wallMin) * 10) / 10,
      episodeSec: summary(durations),
      audioMinutesPerWallMinute: Math.round((durations.reduce((a, b) => a + b, 0) / 60 / wallMin) * 10) / 10,
      /** The load's own submissions, IN_FLIGHT at a time: mostly their queue in the API. */
      ticketMs: summary(tickets),
      /** One ticket every PACE_MS (each job cancelled once answered) while the fleet drained the load. */
      pacedTicketMs: summary(loadPacedTickets),
      pacedTickets: loadPacedTickets.length,
      /** Cores the whole machine kept busy while the paced tickets ran: the fleet flat out. */
      coresBusyWhilePaced: Math.round(coresBusyWhilePaced * 100) / 100,
      /**
       * CPU of the API and workers (with espeak, ffmpeg) over the load: per job, and the cores they
       * got against the machine's busy ones (other people's work on a shared machine takes the
       * rest). Throughput is cores got / CPU per job, so these tell a slower machine from a
       * costlier fleet.
       */
      cpu: {
        fleetSecPerJob: Math.round((fleetCpuSec / N) * 100) / 100,
        fleetCores: Math.round((fleetCpuSec / loadSec) * 100) / 100,
        machineBusyCores: Math.round((machineCpuSec / loadSec) * 100) / 100,
      },
      stageWorkMs: Object.fromEntries(
        STAGES.map((s) => [
          s,
          summary(stages.filter((r) => r.stage === s && r.durationMs !== null).map((r) => r.durationMs!)),
        ]),
      ),
      ...(await timings(bench, jobIds)),
    },
  };
}

/** The same shape with no work and no bookkeeping: what BullMQ alone costs per job and per hop. */
async function runRawBullMQ(redisUrl: string, prefix: string) {
  const raw = await runRawFlows({
    redisUrl,
    prefix,
    flows: N,
    inFlight: IN_FLIGHT,
    replicas: REPLICAS,
    // As many workers per stage as the fleet had processes, each with the fleet's default concurrency.
    concurrency: { scrape: 4, script: 2, audio: 1, upload: 4 },
  });
  return {
    flows: N,
    wallSec: Math.round(raw.wallMs / 100) / 10,
    throughputFlowsPerMin: Math.round((N / (raw.wallMs / 60_000)) * 10) / 10,
    addMs: summary(raw.addMs),
    endToEndMs: summary(raw.endToEndMs),
    hopMs: summary(raw.hopMs),
  };
}

async function main() {
  const bench = await benchEnvironment('load', {
    STORAGE_DRIVER: 'fs',
    USER_REQUESTS_PER_MINUTE: String(N + PACED + PACED_IDLE + 10),
    USER_MAX_ACTIVE_JOBS: String(PER_USER),
    MAX_QUEUE_SIZE: String(Math.max(1000, N * 5)),
  });
  try {
    const workers = ['scraper', 'audio', 'uploader'] as const;
    const supervisors = [await bench.startApps(['api', ...workers], undefined, {}, WORKER_NICE)];
    for (let r = 1; r < REPLICAS; r++)
      supervisors.push(await bench.startApps([...workers], undefined, {}, WORKER_NICE));
    const fleet = await runFleet(bench, bench.apiUrl, supervisors);
    await Promise.all(supervisors.map((s) => s.stop()));
    const raw = await runRawBullMQ(bench.env.REDIS_URL!, bench.prefix);
    const result = {
      machine: { cores: availableParallelism() },
      setup: {
        jobs: N,
        replicasPerWorker: REPLICAS,
        targetMinutes: MINUTES,
        inFlightSubmissions: IN_FLIGHT,
        pacedTickets: PACED,
        paceMs: PACE_MS,
        /** The workers' nice value (the API's is 0); npm start uses WORKER_PRIORITY. */
        workerPriority: WORKER_NICE,
      },
      fleet,
      rawBullMQ: raw,
      queueOverhead: {
        /** Stage-to-stage hand-over: the fleet idle (probe) and loaded, vs bare BullMQ under the same load. */
        hopP50Ms: { fleetIdle: fleet.probe.hopMs.p50, fleetLoaded: fleet.load.hopMs.p50, raw: raw.hopMs.p50 },
        hopP99Ms: { fleetIdle: fleet.probe.hopMs.p99, fleetLoaded: fleet.load.hopMs.p99, raw: raw.hopMs.p99 },
        /** Per job, end to end minus the stages' work, the fleet idle. */
        perJobIdleMs: fleet.probe.queueAndBookkeepingMs.p50,
        ticketP99Ms: {
          fleet: fleet.load.ticketMs.p99,
          pacedFleetFlatOut: fleet.load.pacedTicketMs.p99,
          pacedIdle: fleet.probe.pacedTicketMs.p99,
          rawAdd: raw.addMs.p99,
        },
      },
    };
    const file = await writeBenchResult('load', result);
    const { load, probe } = fleet;
    const row = (label: string, value: unknown) =>
      process.stdout.write(
        `${label.padEnd(44)} ${typeof value === 'string' ? value : JSON.stringify(value)}\n`,
      );
    row("workers' CPU priority (nice; API 0)", String(WORKER_NICE));
    row('jobs / completed / lost', `${load.jobs} / ${load.completed} / ${load.lost}`);
    row(
      'duplicated (episodes, uploads)',
      `${load.duplicated.episodes}, ${load.duplicated.uploadCompletions}`,
    );
    row('throughput (jobs/min)', String(load.throughputJobsPerMin));
    row('audio minutes per wall minute', String(load.audioMinutesPerWallMinute));
    row('episode length s', load.episodeSec);
    row(`ticket ms, ${IN_FLIGHT} at a time (the load itself)`, load.ticketMs);
    row(`ticket ms, one every ${PACE_MS} ms, fleet flat out`, load.pacedTicketMs);
    row('  cores busy meanwhile', String(load.coresBusyWhilePaced));
    row(
      'fleet CPU s per job; cores fleet / machine',
      `${load.cpu.fleetSecPerJob}; ${load.cpu.fleetCores} / ${load.cpu.machineBusyCores}`,
    );
    row(`ticket ms, one every ${PACE_MS} ms, idle`, probe.pacedTicketMs);
    row('ticket ms (probe jobs, idle)', probe.ticketMs);
    row('end to end ms (load)', load.endToEndMs);
    row('end to end ms (idle)', probe.endToEndMs);
    row("beyond the stages' work ms per job (idle)", probe.queueAndBookkeepingMs);
    row('  each probe job, the first one first', probe.overheadMsByJob);
    row('  p50 of each step', probe.overheadBreakdownMs);
    row('stage hop ms (idle)', probe.hopMs);
    row('stage hop ms (load)', load.hopMs);
    row('stage hop ms (raw BullMQ, load)', raw.hopMs);
    row('raw BullMQ flows/min', String(raw.throughputFlowsPerMin));
    row('raw BullMQ add ms', raw.addMs);
    row('written', file);
    if (load.lost > 0 || load.duplicated.episodes + load.duplicated.uploadCompletions > 0)
      process.exitCode = 1;
  } finally {
    await bench.cleanup();
  }
}

runBench('load', main);

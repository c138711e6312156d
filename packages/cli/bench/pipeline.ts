/**
 * `pnpm bench:pipeline`: wall time per stage for a 3-minute offline episode through the fleet
 * (scraper, audio and uploader as child processes, submit → MP3), its real-time factor, and in
 * the same run the raw path with no fleet: the same lines synthesised + one ffmpeg encode (each
 * fleet run followed by a raw run of its script).
 * Prints a table and writes bench-results/pipeline.json.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeRawPath, voiceScript } from '@podfleet/assembly';
import {
  closePipelineContext,
  createPipelineContext,
  episodeRequestSchema,
  readArtifact,
  submitEpisodeJob,
} from '@podfleet/pipeline';
import { createStorageDriver, sampleEpisodeSources } from '@podfleet/providers';
import { createLogger, createRedis, subscribeJobEvents } from '@podfleet/queue';
import { createClipCache, createEspeakEngine } from '@podfleet/tts';
import { benchEnvironment, benchOptions, runBench, writeBenchResult } from './harness';
import { median } from './stats';

const values = benchOptions({ minutes: '3', runs: '3' });
const minutes = Number(values.minutes);
const runs = Number(values.runs);
const STAGES = ['scrape', 'script', 'audio', 'upload'] as const;

const sec = (ms: number) => Math.round(ms) / 1000;

async function main() {
  const bench = await benchEnvironment('pipeline');
  const redis = createRedis(bench.env.REDIS_URL!, { role: 'producer' });
  const subscriber = createRedis(bench.env.REDIS_URL!, { role: 'client' });
  const storage = createStorageDriver({ driver: 'fs', dir: bench.storageDir });
  const ctx = createPipelineContext({
    db: bench.db,
    redis,
    prefix: bench.prefix,
    storage,
    logger: createLogger({ app: 'bench', level: 'warn' }),
  });
  const engine = createEspeakEngine();
  const work = await mkdtemp(join(tmpdir(), 'podfleet-bench-raw-'));
  try {
    // The audio stage logs where its time went (voicing, assembly steps, storing), per job.
    const audioLogs = new Map<string, { timingsMs: Record<string, number>; cachedLines: number }>();
    await bench.startApps(['scraper', 'audio', 'uploader'], (_app, entry) => {
      if (entry.msg !== 'episode audio assembled' || typeof entry.jobId !== 'string') return;
      audioLogs.set(entry.jobId.split('.')[0]!, {
        timingsMs: entry.timingsMs as Record<string, number>,
        cachedLines: Number(entry.cachedLines),
      });
    });
    const user = await bench.db.user.create({ data: { email: `bench-${Date.now()}@podfleet.local` } });
    // The bundled bill summaries (text sources: the feed needs the API, not under test here).
    const sources = sampleEpisodeSources('http://unused.invalid').filter((s) => s.kind === 'text');
    // Completion is heard on the job's event channel (what the API's SSE stream relays), not by
    // polling the database: a query every few ms would take CPU from the fleet it measures.
    const submit = async (targetMinutes: number) => {
      const request = episodeRequestSchema.parse({ type: 'custom', sources, style: { targetMinutes } });
      const started = performance.now();
      const { job } = await submitEpisodeJob(ctx, { userId: user.id, request });
      let ended: () => void = () => {};
      let endedAt: number | undefined;
      const unsubscribe = await subscribeJobEvents(subscriber, bench.prefix, job.id, (event) => {
        if (event.type === 'progress') return;
        endedAt = performance.now();
        ended();
      });
      try {
        for (;;) {
          // Read after subscribing: an event published before the subscription is not missed.
          const row = await bench.db.job.findUniqueOrThrow({ where: { id: job.id } });
          if (row.status === 'completed')
            return { jobId: job.id, wallMs: (endedAt ?? performance.now()) - started };
          if (row.status === 'failed' || row.status === 'cancelled')
            throw new Error(`bench job ${row.status}: ${row.errorCode} ${row.errorMessage}`);
          if (endedAt === undefined) {
            await new Promise<void>((resolve) => {
              ended = resolve;
              setTimeout(resolve, 500);
            });
          }
        }
      } finally {
        await unsubscribe();
      }
    };
    await submit(0.5); // warm-up: worker threads compile espeak's WASM once per process
    await engine.synthesize({ text: 'warm up', voice: engine.voicesFor([{ name: 'A' }])[0]! });

    const fleetRuns: Array<{
      jobId: string;
      wallMs: number;
      stageMs: Record<string, number>;
      episodeSec: number;
    }> = [];
    const rawRuns: Array<{ synthMs: number; encodeMs: number; totalMs: number }> = [];
    // Fleet and raw runs alternate, so that a change in the machine's load weighs on both alike.
    for (let i = 0; i < runs; i++) {
      // Every run voices its lines, as the raw path does: the same script would otherwise come
      // straight from the audio worker's clip cache from the second run on.
      await rm(bench.env.TTS_CACHE_DIR!, { recursive: true, force: true });
      const { jobId, wallMs } = await submit(minutes);
      const stages = await bench.db.jobStage.findMany({ where: { jobId } });
      const episode = await bench.db.episode.findUniqueOrThrow({ where: { jobId } });
      const stageMs = Object.fromEntries(
        STAGES.map((s) => [s, stages.find((r) => r.stage === s)?.durationMs ?? 0]),
      );
      fleetRuns.push({ jobId, wallMs, stageMs, episodeSec: episode.durationSec });

      // Raw path: this run's script, voiced by the same engine with a cold cache, joined, encoded once.
      const script = await readArtifact(ctx, jobId, 'script');
      const t0 = performance.now();
      const clips = await voiceScript({
        engine,
        lines: script.lines,
        hosts: script.hosts,
        cache: createClipCache(join(work, `cache-${i}`)),
      });
      const t1 = performance.now();
      await encodeRawPath(
        clips.map((c) => c.file),
        join(work, `raw-${i}.mp3`),
      );
      rawRuns.push({ synthMs: t1 - t0, encodeMs: performance.now() - t1, totalMs: performance.now() - t0 });
    }

    const fleetWall = median(fleetRuns.map((r) => r.wallMs));
    const rawTotal = median(rawRuns.map((r) => r.totalMs));
    const episodeSec = median(fleetRuns.map((r) => r.episodeSec));
    const stagesSec = Object.fromEntries(
      STAGES.map((s) => [s, sec(median(fleetRuns.map((r) => r.stageMs[s]!)))]),
    );
    const stageSum = STAGES.reduce((sum, s) => sum + median(fleetRuns.map((r) => r.stageMs[s]!)), 0);
    const logs = fleetRuns.flatMap((r) => audioLogs.get(r.jobId) ?? []);
    const audioStageSec = Object.fromEntries(
      Object.keys(logs[0]?.timingsMs ?? {}).map((k) => [
        k,
        sec(median(logs.map((l) => l.timingsMs[k] ?? 0))),
      ]),
    );
    const result = {
      machine: {
        cores: (await import('node:os')).availableParallelism(),
        espeakBackend: await engine.backend(),
      },
      targetMinutes: minutes,
      runs,
      fleet: {
        wallSec: sec(fleetWall),
        stagesSec,
        /** Inside the audio stage: voicing, assembly's steps (load, normalize, encode, verify), storing. */
        audioStageSec,
        /** Lines the audio worker took from its clip cache (0: every run voiced every line). */
        cachedLines: Math.max(0, ...logs.map((l) => l.cachedLines)),
        queueAndBookkeepingSec: sec(fleetWall - stageSum),
        episodeSec: Math.round(episodeSec * 10) / 10,
        realTimeFactor: Math.round((fleetWall / 1000 / episodeSec) * 1000) / 1000,
        speedVsRealTime: Math.round((episodeSec / (fleetWall / 1000)) * 10) / 10,
      },
      raw: {
        synthSec: sec(median(rawRuns.map((r) => r.synthMs))),
        encodeSec: sec(median(rawRuns.map((r) => r.encodeMs))),
        totalSec: sec(rawTotal),
      },
      fleetOverRaw: Math.round((fleetWall / rawTotal) * 100) / 100,
      targets: { fleetOverRaw: 1.25, fleetWallSec: 5 },
    };
    console.log(`\npodfleet pipeline benchmark (${minutes}-minute episode, median of ${runs})`);
    console.log(
      `  fleet  submit → MP3      ${result.fleet.wallSec.toFixed(2)} s   (episode ${result.fleet.episodeSec} s, RTF ${result.fleet.realTimeFactor})`,
    );
    for (const s of STAGES) console.log(`         ${s.padEnd(16)} ${stagesSec[s]!.toFixed(2)} s`);
    console.log(
      `           ${Object.entries(audioStageSec)
        .map(([k, v]) => `${k} ${v.toFixed(2)}`)
        .join(', ')}`,
    );
    console.log(`         queue + bookkeeping ${result.fleet.queueAndBookkeepingSec.toFixed(2)} s`);
    console.log(
      `  raw    synth + encode    ${result.raw.totalSec.toFixed(2)} s   (synth ${result.raw.synthSec} s, encode ${result.raw.encodeSec} s)`,
    );
    console.log(`  fleet / raw              ${result.fleetOverRaw}× (target ≤ 1.25×; fleet target ≤ 5 s)`);
    console.log(`  written to ${await writeBenchResult('pipeline', result)}`);
  } finally {
    await engine.close();
    await closePipelineContext(ctx);
    redis.disconnect();
    subscriber.disconnect();
    await bench.cleanup();
    await rm(work, { recursive: true, force: true });
  }
}

runBench('pipeline', main);

// Test wiring shared by the pipeline's own tests and its dependants' (`@podfleet/pipeline/testing`):
// a pipeline context on the run's real PostgreSQL and Redis (own key prefix) with fs storage in a
// temporary directory, and the stage workers in-process. Never used by production code.

import { randomUUID } from 'node:crypto';
import { childEnv } from '@podfleet/config';
import { createPrismaClient, type PrismaClient, type Stage } from '@podfleet/db';
import { createScriptWriter, createStorageDriver, type ScriptWriter } from '@podfleet/providers';
import {
  createLogger,
  createRedis,
  type ProcessorMap,
  type StartWorkersOptions,
  startWorkers,
  type WorkerRuntime,
} from '@podfleet/queue';
import { makeTempDir } from '@podfleet/test-kit';
import { readArtifact, writeArtifact } from './artifacts';
import { closePipelineContext, createPipelineContext, type PipelineContext } from './context';
import { JobCancelledError, type StageWork, stageProcessor } from './stage-runner';
import { type ScrapeOptions, scrapeStage } from './stages/scrape';
import { scriptStage } from './stages/script';
import { type EpisodePublishedHook, uploadStage } from './stages/upload';

export interface TestContext {
  ctx: PipelineContext;
  db: PrismaClient;
  storageDir: string;
  close(): Promise<void>;
}

/** A pipeline context with no workers, on its own queue prefix under the run's QUEUE_PREFIX. */
export async function createTestContext(options: { userMaxActiveJobs?: number } = {}): Promise<TestContext> {
  const env = childEnv();
  const prefix = `${env.QUEUE_PREFIX}-${randomUUID().slice(0, 8)}`;
  const db = createPrismaClient(env.DATABASE_URL!);
  const redis = createRedis(env.REDIS_URL!, { role: 'producer' });
  // Producer connections refuse commands until connected (no offline queue).
  if (redis.status !== 'ready') await new Promise((resolve) => redis.once('ready', resolve));
  const storageTmp = await makeTempDir('pf-storage-');
  const storage = createStorageDriver({ driver: 'fs', dir: storageTmp.dir });
  const ctx = createPipelineContext({
    db,
    redis,
    prefix,
    storage,
    logger: createLogger({ app: 'test', level: (env.TEST_LOG_LEVEL as 'silent') ?? 'silent' }),
    ...(options.userMaxActiveJobs ? { userMaxActiveJobs: options.userMaxActiveJobs } : {}),
  });
  return {
    ctx,
    db,
    storageDir: storageTmp.dir,
    async close() {
      await closePipelineContext(ctx);
      await storage.close();
      redis.disconnect();
      await db.$disconnect();
      await storageTmp.remove();
    },
  };
}

export interface StageWorkers {
  runtime: WorkerRuntime;
  close(): Promise<void>;
}

export interface StageWorkersOptions {
  audio: StageWork;
  /** The clips stage (@podfleet/assembly's clipsStage); no clips worker without it. */
  clips?: StageWork;
  scrape?: Partial<ScrapeOptions>;
  /** The offline local writer unless given. */
  writer?: ScriptWriter;
  onPublished?: EpisodePublishedHook;
  /** Processors of queues beside the stages' (e.g. `webhooks`). */
  processors?: Omit<ProcessorMap, Stage>;
  /** Worker options; by default the run's Redis, the context's logger, `test` as the app. */
  workers?: Partial<
    Pick<StartWorkersOptions, 'app' | 'redisUrl' | 'logger' | 'health' | 'shutdownTimeoutMs'>
  >;
}

/**
 * The four stages as in-process workers: the real scrape, script and upload stages (local writer
 * unless one is given, sources allowed on loopback so local fakes work) and the given audio
 * stage. The real one lives in @podfleet/assembly, which depends on this package: its
 * `startEpisodeWorkers` (`@podfleet/assembly/testing`) passes it in; `standInAudioStage` voices nothing.
 */
export async function startStageWorkers(
  ctx: PipelineContext,
  options: StageWorkersOptions,
): Promise<StageWorkers> {
  const scrape = scrapeStage(ctx, {
    fetch: { allowPrivate: true },
    congress: { baseUrl: 'http://127.0.0.1:9/v3' },
    ...options.scrape,
  });
  const script = scriptStage(ctx, options.writer ?? createScriptWriter({ provider: 'local' }));
  const upload = uploadStage(ctx, options.onPublished);
  const runtime = startWorkers({
    app: 'test',
    redisUrl: childEnv().REDIS_URL!,
    prefix: ctx.prefix,
    logger: ctx.logger,
    shutdownTimeoutMs: 5000,
    ...options.workers,
    processors: {
      ...options.processors,
      scrape: stageProcessor(ctx, 'scrape', scrape),
      script: stageProcessor(ctx, 'script', script),
      audio: stageProcessor(ctx, 'audio', options.audio),
      upload: stageProcessor(ctx, 'upload', upload),
      ...(options.clips ? { clips: stageProcessor(ctx, 'clips', options.clips) } : {}),
    },
  });
  await runtime.ready;
  return { runtime, close: () => runtime.close() };
}

export interface StandInAudioControl {
  /** Called before each line is "voiced"; may wait or throw. */
  beforeLine?(index: number, total: number): Promise<void>;
}

/**
 * An audio stage that voices nothing: per line of the script a cancellation check and a progress
 * report (as the real stage makes), then the artifacts the real stage writes, with a small
 * synthetic MP3 (an MPEG-1 Layer III frame header and filler: enough for byte-range checks).
 */
export function standInAudioStage(ctx: PipelineContext, control: StandInAudioControl = {}): StageWork {
  return async (scope) => {
    const script = await readArtifact(ctx, scope.job.id, 'script');
    const total = script.lines.length;
    const segments = [];
    let t = 0;
    for (const [i, line] of script.lines.entries()) {
      await control.beforeLine?.(i, total);
      // As the real stage does before each engine call: progress writes are throttled, so a
      // cancel is not always seen through them.
      if (await scope.isCancelled()) throw new JobCancelledError(scope.job.id);
      segments.push({ speaker: line.speaker, text: line.text, start: t, end: t + 2 });
      t += 2.25;
      await scope.progress(((i + 1) / total) * 0.9, `voicing line ${i + 1} of ${total}`);
    }
    const audioKey = scope.artifactKey('episode.mp3');
    const mp3 = Buffer.concat([Buffer.from([0xff, 0xfb, 0x90, 0x64]), Buffer.alloc(8192, 0x55)]);
    const stored = await ctx.storage.put(audioKey, mp3, { contentType: 'audio/mpeg' });
    await writeArtifact(ctx, scope.job.id, 'audio', {
      audioKey,
      durationSec: t,
      sizeBytes: stored.sizeBytes,
      segments,
      chapters: script.chapters.map((c, i) => ({ title: c.title, startSec: i === 0 ? 0 : t / 2 })),
    });
    return { artifact: { key: audioKey, checksum: stored.checksum }, providers: { tts: 'stand-in' } };
  };
}

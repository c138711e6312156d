// Test wiring shared by the pipeline's own tests and its dependants' (`@podfleet/pipeline/testing`):
// a pipeline context on the run's real PostgreSQL and Redis (own key prefix) with fs storage in a
// temporary directory, and the four real stage workers in-process. Never used by production code.

import { randomUUID } from 'node:crypto';
import { childEnv } from '@podfleet/config';
import { createPrismaClient, type PrismaClient } from '@podfleet/db';
import { createScriptWriter, createStorageDriver } from '@podfleet/providers';
import { createLogger, createRedis, startWorkers, type WorkerRuntime } from '@podfleet/queue';
import { makeTempDir } from '@podfleet/test-kit';
import { createClipCache, createEspeakEngine, type TtsEngine } from '@podfleet/tts';
import { closePipelineContext, createPipelineContext, type PipelineContext } from './context';
import { runStage } from './stage-runner';
import { audioStage } from './stages/audio';
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
  engine: TtsEngine;
  close(): Promise<void>;
}

/**
 * The four real stages as in-process workers: offline providers (local writer, WASM espeak unless
 * an engine is given), sources allowed on loopback so local fakes work.
 */
export async function startStageWorkers(
  ctx: PipelineContext,
  options: { engine?: TtsEngine; scrape?: Partial<ScrapeOptions>; onPublished?: EpisodePublishedHook } = {},
): Promise<StageWorkers> {
  const clipsTmp = await makeTempDir('pf-clips-');
  const engine = options.engine ?? createEspeakEngine({ backend: 'wasm' });
  const scrape = scrapeStage(ctx, {
    fetch: { allowPrivate: true },
    congress: { baseUrl: 'http://127.0.0.1:9/v3' },
    ...options.scrape,
  });
  const script = scriptStage(ctx, createScriptWriter({ provider: 'local' }));
  const audio = audioStage(ctx, {
    engine,
    cache: createClipCache(clipsTmp.dir),
    concurrency: 2,
    usdPer1000Characters: 0,
  });
  const upload = uploadStage(ctx, options.onPublished);
  const runtime = startWorkers({
    app: 'test',
    redisUrl: childEnv().REDIS_URL!,
    prefix: ctx.prefix,
    logger: ctx.logger,
    processors: {
      scrape: (p, j, c) => runStage(ctx, 'scrape', p, j, c, scrape),
      script: (p, j, c) => runStage(ctx, 'script', p, j, c, script),
      audio: (p, j, c) => runStage(ctx, 'audio', p, j, c, audio),
      upload: (p, j, c) => runStage(ctx, 'upload', p, j, c, upload),
    },
    shutdownTimeoutMs: 5000,
  });
  await runtime.ready;
  return {
    runtime,
    engine,
    async close() {
      await runtime.close();
      if (!options.engine) await engine.close();
      await clipsTmp.remove();
    },
  };
}

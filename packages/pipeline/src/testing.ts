// Test wiring shared by the pipeline's own tests and its dependants' (`@podfleet/pipeline/testing`):
// a pipeline context on the run's real PostgreSQL and Redis (own key prefix) with fs storage in a
// temporary directory, and the stage workers in-process. Never used by production code.

import { randomUUID } from 'node:crypto';
import { childEnv } from '@podfleet/config';
import { createPrismaClient, type PrismaClient } from '@podfleet/db';
import { createScriptWriter, createStorageDriver } from '@podfleet/providers';
import { createLogger, createRedis, startWorkers, type WorkerRuntime } from '@podfleet/queue';
import { makeTempDir } from '@podfleet/test-kit';
import { closePipelineContext, createPipelineContext, type PipelineContext } from './context';
import { runStage, type StageWork } from './stage-runner';
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

/**
 * The four stages as in-process workers: the real scrape, script and upload stages with offline
 * providers (local writer, sources allowed on loopback so local fakes work), and the given audio
 * stage. The real one lives in @podfleet/assembly, which depends on this package: its
 * `startEpisodeWorkers` (`@podfleet/assembly/testing`) passes it in.
 */
export async function startStageWorkers(
  ctx: PipelineContext,
  options: { audio: StageWork; scrape?: Partial<ScrapeOptions>; onPublished?: EpisodePublishedHook },
): Promise<StageWorkers> {
  const scrape = scrapeStage(ctx, {
    fetch: { allowPrivate: true },
    congress: { baseUrl: 'http://127.0.0.1:9/v3' },
    ...options.scrape,
  });
  const script = scriptStage(ctx, createScriptWriter({ provider: 'local' }));
  const upload = uploadStage(ctx, options.onPublished);
  const runtime = startWorkers({
    app: 'test',
    redisUrl: childEnv().REDIS_URL!,
    prefix: ctx.prefix,
    logger: ctx.logger,
    processors: {
      scrape: (p, j, c) => runStage(ctx, 'scrape', p, j, c, scrape),
      script: (p, j, c) => runStage(ctx, 'script', p, j, c, script),
      audio: (p, j, c) => runStage(ctx, 'audio', p, j, c, options.audio),
      upload: (p, j, c) => runStage(ctx, 'upload', p, j, c, upload),
    },
    shutdownTimeoutMs: 5000,
  });
  await runtime.ready;
  return { runtime, close: () => runtime.close() };
}

// An in-process fleet for pipeline tests: the real stage processors on real Redis, PostgreSQL
// and fs storage; only third-party APIs are local fakes.
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { createPrismaClient, type Job, type PrismaClient } from '@podfleet/db';
import {
  createClipCache,
  createEspeakEngine,
  createScriptWriter,
  createStorageDriver,
  type TtsEngine,
} from '@podfleet/providers';
import { createLogger, createRedis, startWorkers, type WorkerRuntime } from '@podfleet/queue';
import { makeTempDir, waitFor } from '@podfleet/test-kit';
import type { Redis } from 'ioredis';
import {
  audioStage,
  closePipelineContext,
  createPipelineContext,
  type PipelineContext,
  runStage,
  type ScrapeOptions,
  scrapeStage,
  scriptStage,
  uploadStage,
} from '../src';

export interface Fleet {
  ctx: PipelineContext;
  db: PrismaClient;
  redis: Redis;
  runtime: WorkerRuntime;
  storageDir: string;
  engine: TtsEngine;
  close(): Promise<void>;
}

export async function startFleet(
  options: {
    prefix?: string;
    scrape?: Partial<ScrapeOptions>;
    engine?: TtsEngine;
    userMaxActiveJobs?: number;
  } = {},
): Promise<Fleet> {
  const prefix = options.prefix ?? `${process.env.QUEUE_PREFIX}-${randomUUID().slice(0, 8)}`;
  const logger = createLogger({ app: 'test', level: 'silent' });
  const db = createPrismaClient(process.env.DATABASE_URL!);
  const redis = createRedis(process.env.REDIS_URL!, { role: 'producer' });
  const storageTmp = await makeTempDir('pf-storage-');
  const cacheTmp = await makeTempDir('pf-clips-');
  const storage = createStorageDriver({ driver: 'fs', dir: storageTmp.dir });
  const ctx = createPipelineContext({
    db,
    redis,
    prefix,
    storage,
    logger,
    ...(options.userMaxActiveJobs ? { userMaxActiveJobs: options.userMaxActiveJobs } : {}),
  });
  const engine = options.engine ?? createEspeakEngine({ backend: 'wasm' });
  const scrape = scrapeStage(ctx, {
    fetch: { allowPrivate: true },
    congress: { baseUrl: 'http://127.0.0.1:9/v3' },
    ...options.scrape,
  });
  const script = scriptStage(ctx, createScriptWriter({ provider: 'local' }));
  const audio = audioStage(ctx, {
    engine,
    cache: createClipCache(resolve(cacheTmp.dir)),
    concurrency: 2,
    usdPer1000Characters: 0,
  });
  const upload = uploadStage(ctx);
  const runtime = startWorkers({
    app: 'test',
    redisUrl: process.env.REDIS_URL!,
    prefix,
    logger,
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
    ctx,
    db,
    redis,
    runtime,
    storageDir: storageTmp.dir,
    engine,
    async close() {
      await runtime.close();
      await closePipelineContext(ctx);
      if (!options.engine) await engine.close();
      redis.disconnect();
      await db.$disconnect();
      await storageTmp.remove();
      await cacheTmp.remove();
    },
  };
}

export async function createUser(db: PrismaClient, overrides: { timezone?: string } = {}) {
  return db.user.create({ data: { email: `${randomUUID()}@example.test`, ...overrides } });
}

export async function waitForStatus(
  db: PrismaClient,
  jobId: string,
  statuses: Job['status'][],
  timeoutMs = 60_000,
) {
  return waitFor(
    async () => {
      const job = await db.job.findUniqueOrThrow({ where: { id: jobId } });
      return statuses.includes(job.status) ? job : undefined;
    },
    { timeoutMs, intervalMs: 50, what: `job ${jobId} to reach ${statuses.join('/')}` },
  );
}

export const shortStyle = { hosts: [{ name: 'Maya' }, { name: 'Theo' }], targetMinutes: 0.5 };

export const textSources = [
  {
    kind: 'text' as const,
    title: 'The Erie Canal',
    text:
      'The Erie Canal opened in 1825 and connected the Hudson River to Lake Erie. It cut the cost of moving ' +
      'goods from the Great Lakes to New York City by about ninety percent. The canal was 363 miles long and ' +
      'had 83 locks. Its success made New York City the leading port of the United States. Towns such as ' +
      'Buffalo, Rochester and Syracuse grew quickly along its route. The canal was enlarged twice in the ' +
      'nineteenth century to carry larger boats. Today it is used mostly by recreational boaters and is part ' +
      'of a national heritage corridor.',
  },
  {
    kind: 'text' as const,
    title: 'Photosynthesis',
    text:
      'Photosynthesis is the process plants use to turn light into chemical energy. Chlorophyll in the ' +
      'leaves absorbs mostly red and blue light and reflects green light. Water is split and oxygen is ' +
      'released as a by-product. Carbon dioxide from the air is fixed into sugars in the Calvin cycle. ' +
      'Nearly all the oxygen in the atmosphere comes from photosynthesis over billions of years. Ocean ' +
      'algae produce a large share of it today. Scientists study the process to design better solar fuels.',
  },
];

// Test wiring: a pipeline context on the run's real PostgreSQL and Redis (own key prefix) with
// fs storage in a temporary directory, and optionally the real stage workers in-process (as in
// packages/pipeline/test/harness.ts), publishing through the episode-cache hook.
import { randomUUID } from 'node:crypto';
import {
  createEpisodeOnce,
  createJobWithStages,
  createPrismaClient,
  type Prisma,
  type PrismaClient,
  type User,
} from '@podfleet/db';
import {
  audioStage,
  closePipelineContext,
  createPipelineContext,
  type PipelineContext,
  runStage,
  scrapeStage,
  scriptStage,
  uploadStage,
} from '@podfleet/pipeline';
import {
  createClipCache,
  createEspeakEngine,
  createScriptWriter,
  createStorageDriver,
} from '@podfleet/providers';
import { createLogger, createRedis, startWorkers, type WorkerRuntime } from '@podfleet/queue';
import { makeTempDir } from '@podfleet/test-kit';
import { warmEpisodeCache } from '../src/cache';

export interface TestContext {
  ctx: PipelineContext;
  db: PrismaClient;
  close(): Promise<void>;
}

export async function createTestContext(): Promise<TestContext> {
  const prefix = `${process.env.QUEUE_PREFIX}-${randomUUID().slice(0, 8)}`;
  const db = createPrismaClient(process.env.DATABASE_URL!);
  const redis = createRedis(process.env.REDIS_URL!, { role: 'producer' });
  await new Promise<void>((resolve) => (redis.status === 'ready' ? resolve() : redis.once('ready', resolve)));
  const storageTmp = await makeTempDir('pf-pregen-storage-');
  const storage = createStorageDriver({ driver: 'fs', dir: storageTmp.dir });
  const logger = createLogger({ app: 'test', level: 'silent' });
  const ctx = createPipelineContext({ db, redis, prefix, storage, logger });
  return {
    ctx,
    db,
    async close() {
      await closePipelineContext(ctx);
      await storage.close();
      redis.disconnect();
      await db.$disconnect();
      await storageTmp.remove();
    },
  };
}

/** The four stage workers in this process, uploading through `warmEpisodeCache`. */
export async function startStageWorkers(ctx: PipelineContext): Promise<{ close(): Promise<void> }> {
  const clipsTmp = await makeTempDir('pf-pregen-clips-');
  const engine = createEspeakEngine({ backend: 'wasm' });
  const scrape = scrapeStage(ctx, {
    fetch: { allowPrivate: true },
    congress: { baseUrl: 'http://127.0.0.1:9/v3' },
  });
  const script = scriptStage(ctx, createScriptWriter({ provider: 'local' }));
  const audio = audioStage(ctx, {
    engine,
    cache: createClipCache(clipsTmp.dir),
    concurrency: 2,
    usdPer1000Characters: 0,
  });
  const upload = uploadStage(ctx, warmEpisodeCache);
  const runtime: WorkerRuntime = startWorkers({
    app: 'test',
    redisUrl: process.env.REDIS_URL!,
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
    async close() {
      await runtime.close();
      await engine.close();
      await clipsTmp.remove();
    },
  };
}

export const shortStyle = { hosts: [{ name: 'Maya' }, { name: 'Theo' }], targetMinutes: 0.5 };

export const textSources = [
  {
    kind: 'text',
    title: 'The Erie Canal',
    text:
      'The Erie Canal opened in 1825 and connected the Hudson River to Lake Erie. It cut the cost of moving ' +
      'goods from the Great Lakes to New York City by about ninety percent. The canal was 363 miles long and ' +
      'had 83 locks. Its success made New York City the leading port of the United States. Towns such as ' +
      'Buffalo, Rochester and Syracuse grew quickly along its route.',
  },
];

type UserOverrides = Partial<
  Pick<
    User,
    | 'timezone'
    | 'dailyEnabled'
    | 'weeklyEnabled'
    | 'pregenerateTier'
    | 'listens'
    | 'lastSeenAt'
    | 'lastGeneratedAt'
    | 'name'
    | 'storageQuotaBytes'
  >
> & { sources?: unknown[] };

/** A user with saved sources and a short style, active (seen at `seenAt`) unless overridden. */
export function createUser(
  db: PrismaClient,
  overrides: UserOverrides = {},
  seenAt = new Date(),
): Promise<User> {
  const { sources = textSources, ...rest } = overrides;
  return db.user.create({
    data: {
      email: `${randomUUID()}@example.test`,
      style: shortStyle,
      lastSeenAt: seenAt,
      ...rest,
      sources: sources as Prisma.InputJsonValue,
    },
  });
}

export interface EpisodeOptions {
  userId: string;
  type?: 'daily' | 'weekly' | 'custom';
  localDate?: string | null;
  expiresAt?: Date | null;
  sizeBytes?: number;
  durationSec?: number;
  title?: string;
  createdAt?: Date;
}

/** A completed job and its episode rows (no stage ran: the rows stand for a finished one). */
export async function createEpisode(db: PrismaClient, options: EpisodeOptions) {
  const type = options.type ?? 'daily';
  const localDate = options.localDate === undefined ? '2026-11-26' : options.localDate;
  const job = await createJobWithStages(db, {
    userId: options.userId,
    type,
    request: {},
    cacheKey: localDate && type !== 'custom' ? `podcast:${options.userId}:${type}:${localDate}` : null,
  });
  const { episode } = await createEpisodeOnce(db, job.id, {
    userId: options.userId,
    type,
    title: options.title ?? 'Canals & photosynthesis',
    description: 'Two hosts talk it through.',
    audioKey: `jobs/${job.id}/episode.mp3`,
    transcriptKey: `jobs/${job.id}/transcript.json`,
    sizeBytes: options.sizeBytes ?? 48_000,
    durationSec: options.durationSec ?? 31.4,
    chapters: [{ title: 'Intro', startSec: 0 }],
    transcript: [{ speaker: 'Maya', text: 'Hello.', start: 0, end: 1 }],
    sources: [{ kind: 'text', title: 'The Erie Canal', url: null }],
    localDate,
    expiresAt: options.expiresAt ?? null,
  });
  await db.job.update({
    where: { id: job.id },
    data: { status: 'completed', episodeId: episode.id, completedAt: new Date() },
  });
  if (options.createdAt) {
    return db.episode.update({ where: { id: episode.id }, data: { createdAt: options.createdAt } });
  }
  return episode;
}

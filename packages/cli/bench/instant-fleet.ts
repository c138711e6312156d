// The fleet with instant providers, in this process, for bench:orchestration: the real worker
// runtime, stage runner, bookkeeping and scrape, script and upload stages, with a script writer
// that answers at once, an audio stage that keeps the real one's bookkeeping (progress per line,
// two artifacts) but voices nothing, and storage in memory (or the fs driver, to see its cost).
// What is left is the fleet's own cost per job.
import { createPrismaClient } from '@podfleet/db';
import { closePipelineContext, createPipelineContext, type PipelineContext } from '@podfleet/pipeline';
import { standInAudioStage, startStageWorkers } from '@podfleet/pipeline/testing';
import { createStorageDriver, type ScriptDocument, type ScriptWriter } from '@podfleet/providers';
import { createLogger, createRedis, type WorkerRuntime } from '@podfleet/queue';
import { memoryStorage } from './memory-storage';

const instantWriter: ScriptWriter = {
  provider: 'local',
  languages: ['en'],
  async write({ documents }) {
    const title = documents[0]?.title ?? 'Bulletin';
    const lines = [
      { speaker: 'Maya', text: `Today: ${title}.`, chapter: 0 },
      { speaker: 'Theo', text: 'That was the news.', chapter: 0 },
    ];
    return {
      title,
      description: `An instant episode on ${title}.`,
      hosts: [{ name: 'Maya' }, { name: 'Theo' }],
      chapters: [{ title }],
      lines,
      wordCount: lines.reduce((n, l) => n + l.text.split(' ').length, 0),
      usage: null,
    } satisfies ScriptDocument;
  },
};

export interface InstantFleetOptions {
  databaseUrl: string;
  redisUrl: string;
  prefix: string;
  /** `memory`: instant storage; `fs`: the fs driver in `storageDir`. */
  storage: 'memory' | 'fs';
  storageDir: string;
  /** Worker runtimes, each with one worker per stage at the catalog's concurrency. */
  replicas: number;
  userMaxActiveJobs: number;
}

export interface InstantFleet {
  ctx: PipelineContext;
  runtimes: WorkerRuntime[];
  /** Resolves when the upload stage of `count` more jobs has finished in BullMQ. */
  uploadsFinished(count: number): Promise<void>;
  close(): Promise<void>;
}

export async function startInstantFleet(options: InstantFleetOptions): Promise<InstantFleet> {
  const logger = createLogger({ app: 'bench', level: 'warn' });
  const db = createPrismaClient(options.databaseUrl);
  const redis = createRedis(options.redisUrl, { role: 'producer', name: 'bench-producer' });
  if (redis.status !== 'ready') await new Promise((resolve) => redis.once('ready', resolve));
  const storage =
    options.storage === 'fs'
      ? createStorageDriver({ driver: 'fs', dir: options.storageDir })
      : memoryStorage();
  const ctx = createPipelineContext({
    db,
    redis,
    prefix: options.prefix,
    storage,
    logger,
    userMaxActiveJobs: options.userMaxActiveJobs,
  });
  // The pipeline's stand-in audio stage keeps the real one's bookkeeping (it reads the script,
  // reports progress per line, writes both artifacts) but voices nothing.
  const audio = standInAudioStage(ctx);
  const workers = await Promise.all(
    Array.from({ length: options.replicas }, (_, r) =>
      startStageWorkers(ctx, {
        audio,
        writer: instantWriter,
        scrape: { fetch: { allowPrivate: false } },
        workers: { app: `bench-${r}`, redisUrl: options.redisUrl },
      }),
    ),
  );
  const runtimes = workers.map((w) => w.runtime);

  let finished = 0;
  const waiters: Array<{ target: number; resolve: () => void }> = [];
  for (const runtime of runtimes)
    runtime.workers.upload?.on('completed', () => {
      finished++;
      for (const w of waiters.filter((w) => w.target <= finished)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    });
  return {
    ctx,
    runtimes,
    uploadsFinished: (count) => {
      const target = finished + count;
      return new Promise<void>((resolve) => waiters.push({ target, resolve }));
    },
    async close() {
      await Promise.all(workers.map((w) => w.close()));
      await closePipelineContext(ctx);
      await storage.close();
      redis.disconnect();
      await db.$disconnect();
    },
  };
}

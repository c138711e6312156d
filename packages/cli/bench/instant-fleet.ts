// The fleet with instant providers, in this process, for bench:orchestration: the real worker
// runtime, stage runner, bookkeeping and scrape, script and upload stages, with a script writer
// that answers at once, an audio stage that keeps the real one's bookkeeping (progress per line,
// two artifacts) but voices nothing, and storage in memory (or the fs driver, to see its cost).
// What is left is the fleet's own cost per job.
import { createPrismaClient } from '@podfleet/db';
import {
  closePipelineContext,
  createPipelineContext,
  type PipelineContext,
  runStage,
  type StageWork,
  scrapeStage,
  scriptStage,
  uploadStage,
  writeJsonArtifact,
} from '@podfleet/pipeline';
import { createStorageDriver, type ScriptDocument, type ScriptWriter } from '@podfleet/providers';
import { createLogger, createRedis, startWorkers, type WorkerRuntime } from '@podfleet/queue';
import { memoryStorage } from './memory-storage';

const instantWriter: ScriptWriter = {
  provider: 'local',
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

/** The real audio stage's bookkeeping without its work: a progress report per line, then the artifacts. */
function instantAudioStage(ctx: PipelineContext): StageWork {
  return async (scope) => {
    const lines = ['Today.', 'That was the news.'];
    for (const [i] of lines.entries())
      await scope.progress(((i + 1) / lines.length) * 0.9, `voicing line ${i + 1} of ${lines.length}`);
    await scope.progress(0.92, 'assembling and normalising the episode');
    const audioKey = scope.artifactKey('episode.mp3');
    const stored = await ctx.storage.put(audioKey, Buffer.from('ID3 instant'), { contentType: 'audio/mpeg' });
    await writeJsonArtifact(ctx, scope.artifactKey('audio.json'), {
      audioKey,
      durationSec: 2,
      sizeBytes: stored.sizeBytes,
      segments: lines.map((text, i) => ({ speaker: i % 2 ? 'Theo' : 'Maya', text, start: i, end: i + 1 })),
      chapters: [{ title: 'News', startSec: 0 }],
    });
    return { artifact: { key: audioKey, checksum: stored.checksum }, providers: { tts: 'espeak' } };
  };
}

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
  const scrape = scrapeStage(ctx, {
    fetch: { allowPrivate: false },
    congress: { baseUrl: 'http://127.0.0.1:9' },
  });
  const script = scriptStage(ctx, instantWriter);
  const audio = instantAudioStage(ctx);
  const upload = uploadStage(ctx);
  const runtimes = Array.from({ length: options.replicas }, (_, r) =>
    startWorkers({
      app: `bench-${r}`,
      redisUrl: options.redisUrl,
      prefix: options.prefix,
      logger,
      processors: {
        scrape: (p, j, c) => runStage(ctx, 'scrape', p, j, c, scrape),
        script: (p, j, c) => runStage(ctx, 'script', p, j, c, script),
        audio: (p, j, c) => runStage(ctx, 'audio', p, j, c, audio),
        upload: (p, j, c) => runStage(ctx, 'upload', p, j, c, upload),
      },
    }),
  );
  await Promise.all(runtimes.map((r) => r.ready));

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
      await Promise.all(runtimes.map((r) => r.close()));
      await closePipelineContext(ctx);
      await storage.close();
      redis.disconnect();
      await db.$disconnect();
    },
  };
}

// Test support: the worker fleet in-process. Scrape, script and upload are the real stages (text
// sources and the local script writer need no network); audio is either the real espeak/ffmpeg
// stage or a controllable stand-in that voices nothing but reports per-line progress, can wait
// at a line (cancel during audio) and can fail (retry after a failure).
import { resolve } from 'node:path';
import { audioStage } from '@podfleet/assembly';
import {
  JobCancelledError,
  type PipelineContext,
  runStage,
  type StageWork,
  scrapeStage,
  scriptStage,
  uploadStage,
  writeJsonArtifact,
} from '@podfleet/pipeline';
import { warmEpisodeCache } from '@podfleet/pregeneration';
import { createScriptWriter, scriptDocumentSchema } from '@podfleet/providers';
import { createLogger, type StartWorkersOptions, startWorkers, type WorkerRuntime } from '@podfleet/queue';
import { createClipCache, createEspeakEngine } from '@podfleet/tts';
import { deliverWebhook, webhookSigningKey } from '@podfleet/webhooks';
import { type TestEnv, WEBHOOK_SECRET } from './harness';

export interface AudioControl {
  /** Called before each line is "voiced"; may wait or throw. */
  beforeLine?(index: number, total: number): Promise<void>;
}

/** Writes the artifacts the real audio stage writes, from the script, with a small synthetic MP3. */
export function standInAudioStage(ctx: PipelineContext, control: AudioControl): StageWork {
  return async (scope) => {
    const script = scriptDocumentSchema.parse(
      JSON.parse((await ctx.storage.getBuffer(scope.artifactKey('script.json'))).toString('utf8')),
    );
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
    // An MPEG-1 Layer III frame header followed by filler: enough for byte-range checks.
    const mp3 = Buffer.concat([Buffer.from([0xff, 0xfb, 0x90, 0x64]), Buffer.alloc(8192, 0x55)]);
    const stored = await ctx.storage.put(audioKey, mp3, { contentType: 'audio/mpeg' });
    await writeJsonArtifact(ctx, scope.artifactKey('audio.json'), {
      audioKey,
      durationSec: t,
      sizeBytes: stored.sizeBytes,
      segments,
      chapters: script.chapters.map((c, i) => ({ title: c.title, startSec: i === 0 ? 0 : t / 2 })),
    });
    return { artifact: { key: audioKey, checksum: stored.checksum }, providers: { tts: 'stand-in' } };
  };
}

export interface TestFleet {
  runtime: WorkerRuntime;
  close(): Promise<void>;
}

export async function startTestFleet(
  env: TestEnv,
  ctx: PipelineContext,
  audio: { kind: 'real'; cacheDir: string } | { kind: 'stand-in'; control: AudioControl },
  /** A logger to read the workers' lines (silent otherwise), a health server for /metrics. */
  options: Partial<Pick<StartWorkersOptions, 'logger' | 'health'>> = {},
): Promise<TestFleet> {
  const engine = audio.kind === 'real' ? createEspeakEngine({ threads: 1 }) : null;
  const audioWork =
    audio.kind === 'real' && engine
      ? audioStage(ctx, {
          engine,
          cache: createClipCache(resolve(audio.cacheDir)),
          concurrency: 1,
          usdPer1000Characters: 0,
        })
      : standInAudioStage(ctx, audio.kind === 'stand-in' ? audio.control : {});
  const works = {
    scrape: scrapeStage(ctx, { fetch: { allowPrivate: true }, congress: { baseUrl: 'http://127.0.0.1:9' } }),
    script: scriptStage(ctx, createScriptWriter({ provider: 'local' })),
    audio: audioWork,
    // As the uploader does: publishing warms the episode cache.
    upload: uploadStage(ctx, warmEpisodeCache),
  };
  const webhookKey = webhookSigningKey(WEBHOOK_SECRET);
  const runtime = startWorkers({
    app: 'api-test-fleet',
    redisUrl: env.redisUrl,
    prefix: env.prefix,
    logger: options.logger ?? createLogger({ app: 'api-test-fleet', level: 'silent' }),
    ...(options.health ? { health: options.health } : {}),
    processors: {
      scrape: (payload, job, p) => runStage(ctx, 'scrape', payload, job, p, works.scrape),
      script: (payload, job, p) => runStage(ctx, 'script', payload, job, p, works.script),
      audio: (payload, job, p) => runStage(ctx, 'audio', payload, job, p, works.audio),
      upload: (payload, job, p) => runStage(ctx, 'upload', payload, job, p, works.upload),
      webhooks: (payload, job) =>
        deliverWebhook(ctx.db, payload, {
          webhookKey,
          attempt: job.attemptsMade + 1,
          allowPrivate: true,
          timeoutMs: 5_000,
        }),
    },
    shutdownTimeoutMs: 2_000,
  });
  await runtime.ready;
  return {
    runtime,
    async close() {
      await runtime.close();
      await engine?.close?.();
    },
  };
}

// Test support: the worker fleet in-process. Scrape, script and upload are the real stages (text
// sources and the local script writer need no network); audio is either the real espeak/ffmpeg
// stage or the pipeline's stand-in that voices nothing but reports per-line progress, can wait
// at a line (cancel during audio) and can fail (retry after a failure). The clips stage is the
// real one (ffmpeg); it needs the real audio stage's episodes.
import { resolve } from 'node:path';
import { audioStage, clipsStage } from '@podfleet/assembly';
import type { PipelineContext } from '@podfleet/pipeline';
import {
  type StageWorkers,
  type StandInAudioControl,
  standInAudioStage,
  startStageWorkers,
} from '@podfleet/pipeline/testing';
import { warmEpisodeCache } from '@podfleet/pregeneration';
import type { AsrProvider } from '@podfleet/providers';
import { createLogger, type StartWorkersOptions } from '@podfleet/queue';
import { createClipCache, createEspeakEngine } from '@podfleet/tts';
import { deliverWebhook, webhookSigningKey } from '@podfleet/webhooks';
import { type TestEnv, WEBHOOK_SECRET } from './harness';

export type TestFleet = StageWorkers;

export async function startTestFleet(
  env: TestEnv,
  ctx: PipelineContext,
  audio:
    | { kind: 'real'; cacheDir: string; asr?: AsrProvider | null }
    | { kind: 'stand-in'; control: StandInAudioControl },
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
          asr: audio.asr ?? null,
        })
      : standInAudioStage(ctx, audio.kind === 'stand-in' ? audio.control : {});
  const webhookKey = webhookSigningKey(WEBHOOK_SECRET);
  const workers = await startStageWorkers(ctx, {
    audio: audioWork,
    clips: clipsStage(ctx),
    scrape: { congress: { baseUrl: 'http://127.0.0.1:9' } },
    // As the uploader does: publishing warms the episode cache.
    onPublished: warmEpisodeCache,
    processors: {
      webhooks: (payload, job) =>
        deliverWebhook(ctx.db, payload, {
          webhookKey,
          attempt: job.attemptsMade + 1,
          allowPrivate: true,
          timeoutMs: 5_000,
        }),
    },
    workers: {
      app: 'api-test-fleet',
      redisUrl: env.redisUrl,
      logger: options.logger ?? createLogger({ app: 'api-test-fleet', level: 'silent' }),
      ...(options.health ? { health: options.health } : {}),
      shutdownTimeoutMs: 2_000,
    },
  });
  return {
    runtime: workers.runtime,
    async close() {
      await workers.close();
      await engine?.close?.();
    },
  };
}

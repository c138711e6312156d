import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type PipelineContext, readArtifact, type StageWork, writeArtifact } from '@podfleet/pipeline';
import { type AsrProvider, recordMeasuredPace } from '@podfleet/providers';
import { recordTtsCost } from '@podfleet/telemetry';
import { type ClipCache, paceIdentity, type TtsEngine } from '@podfleet/tts';
import { assembleEpisode } from './assemble';
import { uploadAudioWork } from './upload-stage';
import { voiceScript } from './voice-script';

export interface AudioOptions {
  engine: TtsEngine;
  cache: ClipCache;
  /** Lines voiced at once. */
  concurrency: number;
  /** Estimated USD per 1 000 characters sent to the engine (0 for espeak). */
  usdPer1000Characters: number;
  /** Transcribes uploads that come without a transcript (ASR_PROVIDER); unset, they stay without one. */
  asr?: AsrProvider | null;
}

/**
 * Voices every line (clips cached by engine, voice and text), then assembles one MP3 (an upload
 * job's file is normalised instead, see uploadAudioWork). TTS and
 * loudness work run in worker threads and ffmpeg in child processes, so this event loop stays
 * free to renew the job's lock.
 */
export function audioStage(ctx: PipelineContext, options: AudioOptions): StageWork {
  const work: StageWork = async (scope) => {
    // An uploaded file brings its own audio: nothing to voice, only to normalise.
    if (scope.job.type === 'upload') return uploadAudioWork(ctx, scope, options.asr ?? null);
    const script = await readArtifact(ctx, scope.job.id, 'script');
    const total = script.lines.length;
    const voiceStarted = performance.now();
    const clips = await voiceScript({
      engine: options.engine,
      lines: script.lines,
      hosts: script.hosts,
      ...(script.language ? { language: script.language } : {}),
      cache: options.cache,
      concurrency: options.concurrency,
      signal: scope.signal,
      isCancelled: scope.isCancelled,
      // Voicing is ~90 % of the stage's time; assembly takes the rest of the band.
      onProgress: ({ done }) => scope.progress((done / total) * 0.9, `voicing line ${done} of ${total}`),
    });
    const voice = Math.round(performance.now() - voiceStarted);
    await scope.progress(0.92, 'assembling and normalising the episode');
    const workDir = await mkdtemp(join(tmpdir(), 'podfleet-audio-'));
    try {
      const outFile = join(workDir, 'episode.mp3');
      const chapters = script.chapters
        .map((chapter, index) => ({
          title: chapter.title,
          firstLineIndex: script.lines.findIndex((l) => l.chapter === index),
        }))
        .filter((c) => c.firstLineIndex >= 0);
      const assembled = await assembleEpisode({
        clips: clips.map((c) => ({ speaker: c.speaker, text: c.text, file: c.file })),
        chapters,
        outFile,
        title: script.title,
        // The MP3's loudness relative to its PCM was measured on espeak speech: other engines'
        // audio is also measured on the finished file (and re-encoded once if it missed).
        measureOutput: options.engine.name !== 'espeak',
        signal: scope.signal,
      });
      const storeStarted = performance.now();
      const audioKey = scope.artifactKey('episode.mp3');
      const stored = await ctx.storage.put(audioKey, await readFile(outFile), { contentType: 'audio/mpeg' });
      const characters = clips.reduce((sum, c) => sum + c.characters, 0);
      await writeArtifact(ctx, scope.job.id, 'audio', {
        audioKey,
        durationSec: assembled.durationSec,
        sizeBytes: stored.sizeBytes,
        segments: assembled.segments,
        chapters: assembled.chapters,
        loudness: assembled.loudness,
        characters,
      });
      const pace = await recordMeasuredPace(ctx.redis, ctx.prefix, {
        engine: paceIdentity(options.engine),
        lines: script.lines,
        language: script.language ?? 'en',
        speechSec: assembled.segments.reduce((sum, s) => sum + (s.end - s.start), 0),
      }).catch((err: unknown) => {
        // The next scripts' length estimate learns less; this episode is fine.
        scope.logger.warn({ err }, 'could not record the speech pace');
        return null;
      });
      scope.logger.info(
        {
          durationSec: assembled.durationSec,
          ...(pace ? { paceSpeed: pace.speed } : {}),
          lines: total,
          cachedLines: clips.filter((c) => c.cached).length,
          // Where the stage's time went (ms), for logs and the pipeline benchmark.
          timingsMs: { voice, ...assembled.timingsMs, store: Math.round(performance.now() - storeStarted) },
        },
        'episode audio assembled',
      );
      const costUsd = (characters / 1000) * options.usdPer1000Characters;
      recordTtsCost(options.engine.name, costUsd);
      return {
        artifact: { key: audioKey, checksum: stored.checksum },
        costUsd,
        providers: { tts: options.engine.name },
      };
    } finally {
      await rm(workDir, { recursive: true, force: true });
    }
  };
  work.provider = options.engine.name;
  return work;
}

import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import {
  JobCancelledError,
  type PipelineContext,
  type StageOutput,
  type StageScope,
  type UploadJobRequest,
  uploadJobRequestSchema,
  writeArtifact,
} from '@podfleet/pipeline';
import type { AsrProvider } from '@podfleet/providers';
import { type StagedTranscript, stagedTranscriptSchema } from '@podfleet/uploads';
import { normalizeUploadedAudio } from './upload-audio';

/** The upload's staged file is gone (removed, or storage lost it): only a new upload helps. */
class UploadMissingError extends Error {
  readonly code = 'UPLOAD_MISSING';
  readonly retryable = false;
  constructor(key: string) {
    super(`the uploaded file ${key} is no longer stored; upload it again`);
    this.name = 'UploadMissingError';
  }
}

type EpisodeTranscript = Pick<StagedTranscript, 'segments' | 'chapters'>;

/**
 * The timed transcript of an upload's episode: the uploaded one, its timings as given; without
 * one, an empty transcript (speech to text, when configured, fills it in from the normalised MP3).
 */
async function uploadTranscript(ctx: PipelineContext, request: UploadJobRequest): Promise<EpisodeTranscript> {
  const key = request.upload.transcriptKey;
  if (!key) return { segments: [], chapters: [] };
  const staged = stagedTranscriptSchema.parse(
    JSON.parse((await ctx.storage.getBuffer(key)).toString('utf8')),
  );
  return { segments: staged.segments, chapters: staged.chapters };
}

/**
 * The audio stage of an upload job: the staged file is fetched to a work directory, normalised to
 * the feed's MP3 (normalizeUploadedAudio), stored as the episode audio, and the same `audio.json`
 * a generated episode's stage writes is written, with the uploaded transcript and chapters, so the
 * upload stage publishes it like any episode. An upload without a transcript is transcribed by
 * `asr` when one is configured (ASR_PROVIDER); without one it stays untranscribed.
 */
export async function uploadAudioWork(
  ctx: PipelineContext,
  scope: StageScope,
  asr: AsrProvider | null,
): Promise<StageOutput> {
  const request = uploadJobRequestSchema.parse(scope.job.request);
  const checkCancelled = async () => {
    if (await scope.isCancelled()) throw new JobCancelledError(scope.job.id);
  };
  const workDir = await mkdtemp(join(tmpdir(), 'podfleet-upload-'));
  try {
    await scope.progress(0.02, 'fetching the uploaded audio');
    const { audioKey: uploadKey } = request.upload;
    if (!(await ctx.storage.head(uploadKey))) throw new UploadMissingError(uploadKey);
    // ffmpeg reads local storage in place; other drivers' objects are fetched to the work directory.
    let inFile = ctx.storage.localPath?.(uploadKey);
    if (!inFile) {
      inFile = join(workDir, `upload.${request.upload.format}`);
      await pipeline(await ctx.storage.get(uploadKey), createWriteStream(inFile));
    }
    const transcript = await uploadTranscript(ctx, request);
    const transcribe = !request.upload.transcriptKey && asr !== null;
    // Transcription takes the last part of the progress when it follows.
    const normaliseBand = transcribe ? 0.5 : 0.9;
    await checkCancelled();
    const outFile = join(workDir, 'episode.mp3');
    const steps = {
      measure: 'measuring its loudness',
      encode: 'normalising to −16 LUFS',
      verify: 'checking the MP3',
    };
    const normalized = await normalizeUploadedAudio({
      inFile,
      outFile,
      title: request.title,
      chapters: transcript.chapters,
      signal: scope.signal,
      onStep: async (step, fraction) => {
        await checkCancelled();
        await scope.progress(0.05 + fraction * normaliseBand, steps[step]);
      },
    });
    if (transcribe) {
      await scope.progress(0.6, 'transcribing the audio');
      transcript.segments = await asr.transcribeFile(outFile, { signal: scope.signal });
      await checkCancelled();
    }
    const audioKey = scope.artifactKey('episode.mp3');
    const stored = await ctx.storage.put(audioKey, createReadStream(outFile), { contentType: 'audio/mpeg' });
    await writeArtifact(ctx, scope.job.id, 'audio', {
      audioKey,
      durationSec: normalized.durationSec,
      sizeBytes: stored.sizeBytes,
      segments: transcript.segments,
      chapters: normalized.chapters,
      loudness: normalized.loudness,
    });
    scope.logger.info(
      {
        input: normalized.input,
        durationSec: normalized.durationSec,
        gainDb: normalized.gainDb,
        loudness: normalized.loudness,
        segments: transcript.segments.length,
      },
      'uploaded audio normalised',
    );
    return {
      artifact: { key: audioKey, checksum: stored.checksum },
      providers: {
        transcript: request.upload.transcriptKey ? 'uploaded' : transcribe ? `asr:${asr.name}` : 'none',
      },
    };
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline as pipeStreams } from 'node:stream/promises';
import { ClipSelectionError, selectClips } from '@podfleet/clips';
import {
  type ClipsArtifact,
  type ClipsJobRequest,
  clipsJobRequestSchema,
  completeClipsJob,
  episodeTopic,
  JobCancelledError,
  jsonArtifactKey,
  learnedClipWeights,
  type PipelineContext,
  readArtifact,
  type StageScope,
  type StageWork,
  timedTranscript,
  writeArtifact,
} from '@podfleet/pipeline';
import { v7 as uuidv7 } from 'uuid';
import { renderClip } from './clip-render';
import { segmentLoudnessDb } from './segment-energy';

/** Where a clip's media live: under `clips/`, by owner, named by the clip's id. */
export const clipMediaKey = (userId: string, clipId: string, format: 'mp3' | 'mp4') =>
  `clips/${userId}/${clipId}.${format}`;

const CONTENT_TYPES = { mp3: 'audio/mpeg', mp4: 'video/mp4' } as const;

/** Share of the stage's progress the selection (decode, loudness, scoring) takes; rendering the rest. */
const SELECTION_SHARE = 0.1;

const jobFailure = (code: string, message: string) =>
  Object.assign(new Error(message), { code, retryable: false });

/**
 * The clips stage: selects the episode's best windows (selectClips, with the user's learned
 * weights for the platform and each line's loudness as its energy), then renders each with ffmpeg
 * (child processes) and stores its media under `clips/` and its Clip row. The chosen windows and
 * their ids are stored first (`clips.json`), so a retry renders the same clips and skips those
 * whose row and media are already stored. `finalize` completes the job.
 */
export function clipsStage(ctx: PipelineContext): StageWork {
  const work: StageWork = async (scope) => {
    const request = clipsJobRequestSchema.parse(scope.job.request);
    const episode = await ctx.db.episode.findFirst({
      where: { id: request.episodeId, userId: scope.job.userId },
    });
    if (!episode) throw jobFailure('EPISODE_NOT_FOUND', `episode ${request.episodeId} no longer exists`);
    const { segments, timed } = timedTranscript(episode.transcript);
    if (!timed)
      throw jobFailure('TRANSCRIPT_NEEDED', 'the episode has no timed transcript to cut clips from');

    const workDir = await mkdtemp(join(tmpdir(), 'podfleet-clips-'));
    try {
      const episodeFile = await localCopy(ctx, episode.audioKey, workDir);
      // An earlier attempt's choice stands (feedback may have changed the weights since).
      const chosen = (await storedSelection(ctx, scope))
        ? await readArtifact(ctx, scope.job.id, 'clips')
        : await select(ctx, scope, request, { episodeFile, segments, topic: episodeTopic(episode) });
      const artifact = await writeArtifact(ctx, scope.job.id, 'clips', chosen);
      await scope.progress(SELECTION_SHARE, `rendering clip 1 of ${chosen.clips.length}`);

      for (const [i, clip] of chosen.clips.entries()) {
        if (await scope.isCancelled()) throw new JobCancelledError(scope.job.id);
        if (await isStored(ctx, clip.id, request.formats)) {
          scope.logger.info({ clipId: clip.id }, 'clip already rendered and stored; skipped');
        } else {
          const files = await renderClip({
            episodeFile,
            startSec: clip.startSec,
            endSec: clip.endSec,
            title: episode.title,
            segments,
            formats: request.formats,
            outBase: join(workDir, clip.id),
            signal: scope.signal,
          });
          const keys: { mp3Key?: string; mp4Key?: string } = {};
          let sizeBytes = 0;
          for (const format of request.formats) {
            const file = files[format];
            if (!file) continue;
            const key = clipMediaKey(scope.job.userId, clip.id, format);
            const stored = await ctx.storage.put(key, await readFile(file), {
              contentType: CONTENT_TYPES[format],
            });
            sizeBytes += stored.sizeBytes;
            keys[format === 'mp3' ? 'mp3Key' : 'mp4Key'] = key;
            await rm(file, { force: true });
          }
          const row = {
            userId: scope.job.userId,
            episodeId: episode.id,
            jobId: scope.job.id,
            platform: request.platform,
            startSec: clip.startSec,
            endSec: clip.endSec,
            durationSec: clip.durationSec,
            score: clip.score,
            confidence: clip.confidence,
            title: clip.title,
            text: clip.text,
            features: clip.features as object,
            mp3Key: keys.mp3Key ?? null,
            mp4Key: keys.mp4Key ?? null,
            sizeBytes: BigInt(sizeBytes),
            expiresAt: episode.expiresAt,
          };
          await ctx.db.clip.upsert({ where: { id: clip.id }, create: { id: clip.id, ...row }, update: row });
        }
        const done = i + 1;
        await scope.progress(
          SELECTION_SHARE + (1 - SELECTION_SHARE) * (done / chosen.clips.length),
          done < chosen.clips.length
            ? `rendering clip ${done + 1} of ${chosen.clips.length}`
            : 'clips stored',
        );
      }
      return { artifact, providers: {} };
    } finally {
      await rm(workDir, { recursive: true, force: true });
    }
  };
  work.provider = 'ffmpeg';
  work.finalize = (job) => completeClipsJob(ctx, job);
  return work;
}

/** Whether an earlier attempt stored its selection (this stage is not recorded yet, or it would not run). */
async function storedSelection(ctx: PipelineContext, scope: StageScope): Promise<boolean> {
  return (await ctx.storage.head(jsonArtifactKey(scope.job.id, 'clips'))) !== null;
}

/** Whether the clip's row exists and every medium it was asked for is stored. */
async function isStored(ctx: PipelineContext, clipId: string, formats: ClipsJobRequest['formats']) {
  const row = await ctx.db.clip.findUnique({ where: { id: clipId }, select: { mp3Key: true, mp4Key: true } });
  if (!row) return false;
  for (const format of formats) {
    const key = format === 'mp3' ? row.mp3Key : row.mp4Key;
    if (!key || !(await ctx.storage.head(key))) return false;
  }
  return true;
}

/** The episode's audio as a file ffmpeg can seek in: the stored file itself on fs, a copy otherwise. */
async function localCopy(ctx: PipelineContext, key: string, workDir: string): Promise<string> {
  const local = ctx.storage.localPath?.(key);
  if (local) return local;
  const file = join(workDir, 'episode.mp3');
  await pipeStreams(await ctx.storage.get(key), createWriteStream(file));
  return file;
}

async function select(
  ctx: PipelineContext,
  scope: StageScope,
  request: ClipsJobRequest,
  input: { episodeFile: string; segments: ReturnType<typeof timedTranscript>['segments']; topic: string },
): Promise<ClipsArtifact> {
  await scope.progress(0, 'measuring the episode’s loudness');
  const energyDb = await segmentLoudnessDb(input.episodeFile, input.segments, scope.signal);
  const weights = await learnedClipWeights(ctx.db, scope.job.userId, request.platform);
  try {
    const selected = selectClips({
      segments: input.segments,
      topic: input.topic,
      request,
      energyDb,
      weights,
    });
    return {
      clips: selected.map((c) => ({
        id: uuidv7(),
        startSec: c.startSec,
        endSec: c.endSec,
        durationSec: c.durationSec,
        title: c.title,
        text: c.text,
        score: c.score,
        confidence: c.confidence,
        features: c.features,
      })),
    };
  } catch (err) {
    if (err instanceof ClipSelectionError) throw jobFailure(err.code, err.message);
    throw err;
  }
}

import { type Job, type PublishedEpisode, publishEpisode } from '@podfleet/db';
import { type AudioArtifact, jsonArtifactKey, readArtifact, writeArtifact } from '../artifacts';
import type { PipelineContext } from '../context';
import { publishState } from '../events';
import { onJobEnded, queueWebhookIfUnsent } from '../job-end';
import type { StageWork } from '../stage-runner';
import { uploadDescription, uploadJobRequestSchema } from '../upload-request';

/** Called after the Episode row exists and the job is completed (e.g. to warm the episode cache). */
export type EpisodePublishedHook = (ctx: PipelineContext, episode: PublishedEpisode) => Promise<void>;

/**
 * Publishes the episode. The stage itself checks the MP3 the audio stage stored and writes the
 * transcript; once that is recorded, `finalize` creates the Episode row (once per job) and
 * completes the job in one transaction, then announces it. `finalize` is idempotent, and a re-run
 * of a recorded upload stage calls it again, so a crash in between never leaves a finished job
 * `running`.
 */
export function uploadStage(ctx: PipelineContext, onPublished?: EpisodePublishedHook): StageWork {
  const work: StageWork = async (scope) => {
    const audio = await readArtifact(ctx, scope.job.id, 'audio');
    const head = await ctx.storage.head(audio.audioKey);
    if (!head || head.checksum !== scope.artifacts.audio?.checksum) {
      // The audio is missing or not what the audio stage recorded: don't publish it.
      throw Object.assign(new Error(`episode audio ${audio.audioKey} is missing or corrupt`), {
        code: 'STORAGE_FAILED',
        retryable: false,
      });
    }
    await scope.progress(0.3, 'writing the transcript');
    const transcript = await writeArtifact(ctx, scope.job.id, 'transcript', {
      segments: audio.segments,
      chapters: audio.chapters,
    });
    await scope.progress(0.6, 'publishing the episode');
    return { artifact: transcript };
  };

  work.provider = ctx.storage.kind;
  work.finalize = async (job) => {
    const jobId = job.id;
    // Published by an earlier attempt that may have died before announcing it.
    if (job.status === 'completed') return queueWebhookIfUnsent(ctx, job);
    // Cancelled, or failed: skip the artifact reads (publishEpisode checks again, locked).
    if (job.status !== 'queued' && job.status !== 'running') return;
    const audio = await readArtifact(ctx, jobId, 'audio');
    const about =
      job.type === 'upload' ? uploadedEpisodeText(job, audio) : await generatedEpisodeText(ctx, jobId);
    const expiresAt =
      ctx.retentionDays > 0 ? new Date(Date.now() + ctx.retentionDays * 24 * 3600 * 1000) : null;
    // The episode and the job's completion are one statement under the job's row lock: a cancel
    // from any API replica either comes first (nothing is published) or finds the job completed.
    const published = await publishEpisode(
      ctx.db,
      jobId,
      {
        userId: job.userId,
        type: job.type,
        title: about.title,
        description: about.description,
        audioKey: audio.audioKey,
        transcriptKey: jsonArtifactKey(jobId, 'transcript'),
        sizeBytes: audio.sizeBytes,
        durationSec: audio.durationSec,
        mimeType: 'audio/mpeg',
        chapters: audio.chapters,
        transcript: audio.segments,
        sources: about.sources,
        localDate: job.cacheKey?.split(':').at(-1) ?? null,
        expiresAt,
      },
      ctx.userMaxActiveJobs,
    );
    if (!published) return;
    if (about.stagedPrefix) {
      // The upload as received is no longer needed: the episode's MP3 is made from it.
      await ctx.storage
        .deletePrefix(about.stagedPrefix)
        .catch((err: unknown) => ctx.logger.warn({ err, jobId }, 'could not remove the staged upload'));
    }
    if (onPublished) await onPublished(ctx, published.episode);
    await publishState(ctx, published.job, 'completed');
    await onJobEnded(ctx, published.job, published.claimed);
  };
  return work;
}

/** What an episode says of itself besides its audio, and the upload to remove once it is out. */
interface EpisodeText {
  title: string;
  description: string;
  sources: Array<{ kind: string; title: string; url: string | null }>;
  stagedPrefix?: string;
}

/** A generated episode: its script's title and description, and the documents it was written from. */
async function generatedEpisodeText(ctx: PipelineContext, jobId: string): Promise<EpisodeText> {
  const script = await readArtifact(ctx, jobId, 'script');
  const { documents } = await readArtifact(ctx, jobId, 'sources');
  return {
    title: script.title,
    description: script.description,
    sources: documents.map((d) => ({ kind: d.kind, title: d.title, url: d.url })),
  };
}

/** An uploaded episode: the form's title, a description from its transcript (or the file), no sources. */
function uploadedEpisodeText(job: Job, audio: AudioArtifact): EpisodeText {
  const request = uploadJobRequestSchema.parse(job.request);
  return {
    title: request.title,
    description: uploadDescription(request, audio),
    sources: [],
    stagedPrefix: request.upload.prefix,
  };
}

import { completeJob, createEpisodeOnce } from '@podfleet/db';
import { scriptDocumentSchema, sourceDocumentSchema } from '@podfleet/providers';
import { z } from 'zod';
import type { PipelineContext } from '../context';
import { publishState } from '../events';
import { onJobEnded } from '../job-end';
import { readJsonArtifact, type StageWork, writeJsonArtifact } from '../stage-runner';

const audioArtifactSchema = z.object({
  audioKey: z.string(),
  durationSec: z.number(),
  sizeBytes: z.number().int(),
  segments: z.array(z.object({ speaker: z.string(), text: z.string(), start: z.number(), end: z.number() })),
  chapters: z.array(z.object({ title: z.string(), startSec: z.number() })),
});
const sourcesArtifactSchema = z.object({ documents: z.array(sourceDocumentSchema) });

/** Called after the Episode row exists and the job is completed (e.g. to warm the episode cache). */
export type EpisodePublishedHook = (ctx: PipelineContext, episodeId: string) => Promise<void>;

/**
 * Publishes the episode: checks the MP3 the audio stage stored, writes the transcript, creates
 * the Episode row once per job, completes the job and announces it.
 */
export function uploadStage(ctx: PipelineContext, onPublished?: EpisodePublishedHook): StageWork {
  return async (scope) => {
    const audio = audioArtifactSchema.parse(await readJsonArtifact(ctx, scope.artifactKey('audio.json')));
    const script = scriptDocumentSchema.parse(await readJsonArtifact(ctx, scope.artifactKey('script.json')));
    const { documents } = sourcesArtifactSchema.parse(
      await readJsonArtifact(ctx, scope.artifactKey('sources.json')),
    );
    const audioStage = await ctx.db.jobStage.findUnique({
      where: { jobId_stage: { jobId: scope.job.id, stage: 'audio' } },
    });
    const head = await ctx.storage.head(audio.audioKey);
    if (!head || head.checksum !== audioStage?.checksum) {
      // The audio is missing or not what the audio stage recorded: redo audio, don't publish it.
      throw Object.assign(new Error(`episode audio ${audio.audioKey} is missing or corrupt`), {
        code: 'STORAGE_FAILED',
        retryable: false,
      });
    }
    await scope.progress(0.3, 'writing the transcript');
    const transcript = await writeJsonArtifact(ctx, scope.artifactKey('transcript.json'), {
      segments: audio.segments,
      chapters: audio.chapters,
    });
    await scope.progress(0.6, 'publishing the episode');
    const expiresAt =
      ctx.retentionDays > 0 ? new Date(Date.now() + ctx.retentionDays * 24 * 3600 * 1000) : null;
    const period = scope.job.cacheKey?.split(':').at(-1) ?? null;
    const { episode } = await createEpisodeOnce(ctx.db, scope.job.id, {
      userId: scope.job.userId,
      type: scope.job.type,
      title: script.title,
      description: script.description,
      audioKey: audio.audioKey,
      transcriptKey: transcript.key,
      sizeBytes: audio.sizeBytes,
      durationSec: audio.durationSec,
      mimeType: 'audio/mpeg',
      chapters: audio.chapters,
      transcript: audio.segments,
      sources: documents.map((d) => ({ kind: d.kind, title: d.title, url: d.url })),
      localDate: period,
      expiresAt,
    });
    const completed = await completeJob(ctx.db, scope.job.id, { episodeId: episode.id });
    if (completed) {
      await publishState(ctx, completed, 'completed');
      if (onPublished) await onPublished(ctx, episode.id);
      await onJobEnded(ctx, completed);
    }
    return { artifact: transcript };
  };
}

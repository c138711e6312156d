// Edit, then re-render (#17): an episode's script moves ahead first (a new script version with
// its re-render job), then the job's upload makes it the episode's current version and keeps the
// replaced one as an EpisodeVersion row.
import type { Episode, EpisodeVersion, Job, Prisma, PrismaClient } from '../generated/prisma/client';

/** The next script version of an episode whose newest script is `expected`; null when it moved on. */
export async function advanceScriptVersion(
  db: PrismaClient,
  episodeId: string,
  expected: number,
  scriptKey: string,
): Promise<number | null> {
  // One compare-and-set: two edits made from the same version cannot both win.
  const { count } = await db.episode.updateMany({
    where: { id: episodeId, scriptVersion: expected },
    data: { scriptVersion: expected + 1, scriptKey },
  });
  return count === 1 ? expected + 1 : null;
}

/** What a re-render made: the new current version's media and timings. */
export interface RenderedVersion {
  title: string;
  description: string;
  audioKey: string;
  transcriptKey: string;
  sizeBytes: number;
  durationSec: number;
  chapters: Prisma.InputJsonValue;
  transcript: Prisma.InputJsonValue;
}

export type PublishVersionResult =
  /** The episode is at `version` now; the one it replaced is an EpisodeVersion row. */
  | { outcome: 'published'; job: Job; episode: Omit<Episode, 'transcript'> }
  /** A newer version was published first (or the episode is gone): the job completes without one. */
  | { outcome: 'superseded'; job: Job; episode: Omit<Episode, 'transcript'> | null };

/**
 * Completes an active re-render job and makes what it rendered the episode's `version`, in one
 * transaction under the job's and the episode's row locks: the current version moves to
 * episode_versions first. A version not newer than the episode's (a later edit's job finished
 * first) is not published; the job completes all the same. Null when the job is not active
 * (cancelled meanwhile, or already completed by an earlier attempt).
 */
export function publishEpisodeVersion(
  db: PrismaClient,
  jobId: string,
  episodeId: string,
  version: number,
  data: RenderedVersion,
): Promise<PublishVersionResult | null> {
  return db.$transaction(async (tx) => {
    const [active] = await tx.$queryRaw<{ id: string }[]>`
      SELECT id FROM jobs WHERE id = ${jobId} AND status IN ('queued', 'running') FOR UPDATE`;
    if (!active) return null;
    const [locked] = await tx.$queryRaw<{ id: string }[]>`
      SELECT id FROM episodes WHERE id = ${episodeId} FOR UPDATE`;
    const current = locked ? await tx.episode.findUniqueOrThrow({ where: { id: episodeId } }) : null;
    const newer = current !== null && version > current.version;
    if (current && newer) {
      const renderJobId = current.renderJobId ?? current.jobId;
      await tx.episodeVersion.create({
        data: {
          episodeId,
          version: current.version,
          jobId: renderJobId,
          audioKey: current.audioKey,
          transcriptKey: current.transcriptKey,
          scriptKey: `jobs/${renderJobId}/script.json`,
          sizeBytes: current.sizeBytes,
          durationSec: current.durationSec,
          mimeType: current.mimeType,
          chapters: current.chapters as Prisma.InputJsonValue,
          transcript: current.transcript as Prisma.InputJsonValue,
          renderedAt: current.renderedAt ?? current.createdAt,
        },
      });
      await tx.$executeRaw`
        UPDATE episodes
           SET title = ${data.title}, description = ${data.description}, audio_key = ${data.audioKey}, transcript_key = ${data.transcriptKey},
               size_bytes = ${data.sizeBytes}, duration_sec = ${data.durationSec},
               chapters = ${JSON.stringify(data.chapters)}::jsonb, transcript = ${JSON.stringify(data.transcript)}::jsonb,
               version = ${version}, render_job_id = ${jobId}, rendered_at = now()
         WHERE id = ${episodeId}`;
    }
    await tx.$executeRaw`
      UPDATE jobs
         SET status = 'completed', progress = 100, current_step = NULL, completed_at = now(),
             error_code = NULL, error_message = NULL, updated_at = now()
       WHERE id = ${jobId}`;
    await tx.jobEvent.create({
      data: {
        jobId,
        type: 'completed',
        data: { episodeId, version, ...(newer ? {} : { superseded: true }) },
      },
    });
    const job = await tx.job.findUniqueOrThrow({ where: { id: jobId } });
    const episode = current
      ? await tx.episode.findUniqueOrThrow({ where: { id: episodeId }, omit: { transcript: true } })
      : null;
    return newer && episode
      ? { outcome: 'published', job, episode }
      : { outcome: 'superseded', job, episode };
  });
}

/** An episode's replaced versions, newest first. */
export function listEpisodeVersions(db: PrismaClient, episodeId: string): Promise<EpisodeVersion[]> {
  return db.episodeVersion.findMany({ where: { episodeId }, orderBy: { version: 'desc' } });
}

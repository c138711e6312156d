import type { Episode, Listen, Prisma, PrismaClient } from '../generated/prisma/client';

export type EpisodeInput = Omit<Prisma.EpisodeCreateManyInput, 'id' | 'jobId' | 'createdAt'>;

/**
 * Creates the job's episode unless it exists (jobId is unique), then returns the stored one: a
 * re-run upload stage, or two racing ones, end with exactly one row. The first creation also bumps
 * the user's episodesGenerated and lastGeneratedAt.
 */
export function createEpisodeOnce(
  db: PrismaClient,
  jobId: string,
  data: EpisodeInput,
): Promise<{ episode: Episode; created: boolean }> {
  return db.$transaction(async (tx) => {
    // INSERT … ON CONFLICT DO NOTHING: waits for a concurrent insert of the same job, then skips.
    const { count } = await tx.episode.createMany({ data: [{ ...data, jobId }], skipDuplicates: true });
    const episode = await tx.episode.findUniqueOrThrow({ where: { jobId } });
    if (count === 1) {
      await tx.$executeRaw`
        UPDATE users SET episodes_generated = episodes_generated + 1, last_generated_at = now(), updated_at = now()
         WHERE id = ${episode.userId}`;
    }
    return { episode, created: count === 1 };
  });
}

/** Records a listen and bumps the user's listen counter together. */
export function recordListen(db: PrismaClient, userId: string, episodeId: string): Promise<Listen> {
  return db.$transaction(async (tx) => {
    const listen = await tx.listen.create({ data: { userId, episodeId } });
    await tx.$executeRaw`UPDATE users SET listens = listens + 1, last_seen_at = now() WHERE id = ${userId}`;
    return listen;
  });
}

// Test support: rows in the states tests need, made through the db repositories (as workers would).
import {
  completeJob,
  createEpisodeOnce,
  createJobWithStages,
  type Episode,
  failJob,
  type Job,
  type PrismaClient,
} from '@podfleet/db';
import { episodeCacheKey } from '@podfleet/pipeline';
import type { StorageDriver } from '@podfleet/providers';

export async function makeJob(
  db: PrismaClient,
  userId: string,
  status: Job['status'] = 'queued',
  request: object = { type: 'custom' },
): Promise<Job> {
  const job = await createJobWithStages(db, { userId, type: 'custom', request });
  if (status === 'queued') return job;
  if (status === 'running') {
    return db.job.update({
      where: { id: job.id },
      data: { status: 'running', phase: 'script', progress: 25, startedAt: new Date() },
    });
  }
  if (status === 'failed') return (await failJob(db, job.id, 'SCRIPT_FAILED', 'the writer gave up')) as Job;
  if (status === 'cancelled')
    return (await db.job.update({
      where: { id: job.id },
      data: { status: 'cancelled', completedAt: new Date() },
    })) as Job;
  return (await completeJob(db, job.id)) as Job;
}

export const SEGMENTS = [
  { speaker: 'Maya', text: 'Welcome to the show.', start: 0, end: 1.5 },
  { speaker: 'Theo', text: 'Today: the budget, & why <it> matters.', start: 1.8, end: 4.25 },
  { speaker: 'Maya', text: 'Thanks for listening.', start: 3725.5, end: 3727.004 },
];

export interface EpisodeOptions {
  /** The "MP3" bytes (tests check ranges against them). */
  audio?: Buffer;
  /** `daily`/`weekly` episodes carry their period, as the upload stage writes them. */
  type?: 'daily' | 'weekly' | 'custom';
  localDate?: string | null;
  expiresAt?: Date | null;
  title?: string;
}

/** A completed job with an episode whose "MP3" is `audio` (bytes the tests can check ranges against). */
export async function makeEpisode(
  db: PrismaClient,
  storage: StorageDriver,
  userId: string,
  options: EpisodeOptions = {},
): Promise<{ job: Job; episode: Episode; audio: Buffer }> {
  const audio = options.audio ?? Buffer.from(Array.from({ length: 4096 }, (_, i) => i % 256));
  const type = options.type ?? 'custom';
  const job = await createJobWithStages(db, {
    userId,
    type,
    request: { type, sources: [{ kind: 'text', title: 'Budget', text: 'x' }] },
    cacheKey:
      type !== 'custom' && options.localDate ? episodeCacheKey(userId, type, options.localDate) : null,
  });
  const audioKey = `jobs/${job.id}/episode.mp3`;
  await storage.put(audioKey, audio, { contentType: 'audio/mpeg' });
  const { episode } = await createEpisodeOnce(db, job.id, {
    userId,
    type,
    title: options.title ?? 'Budget day',
    description: 'What the budget means',
    audioKey,
    sizeBytes: audio.length,
    durationSec: 3727.004,
    chapters: [{ title: 'Intro', startSec: 0 }],
    transcript: SEGMENTS,
    sources: [{ kind: 'text', title: 'Budget', url: null }],
    localDate: options.localDate ?? null,
    expiresAt: options.expiresAt ?? null,
  });
  const completed = (await completeJob(db, job.id, { episodeId: episode.id })) as Job;
  return { job: completed, episode, audio };
}

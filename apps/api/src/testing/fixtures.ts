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

/** A completed job with an episode whose "MP3" is `audio` (bytes the tests can check ranges against). */
export async function makeEpisode(
  db: PrismaClient,
  storage: StorageDriver,
  userId: string,
  audio: Buffer = Buffer.from(Array.from({ length: 4096 }, (_, i) => i % 256)),
): Promise<{ job: Job; episode: Episode; audio: Buffer }> {
  const job = await createJobWithStages(db, {
    userId,
    type: 'custom',
    request: { type: 'custom', sources: [{ kind: 'text', title: 'Budget', text: 'x' }] },
  });
  const audioKey = `jobs/${job.id}/episode.mp3`;
  await storage.put(audioKey, audio, { contentType: 'audio/mpeg' });
  const { episode } = await createEpisodeOnce(db, job.id, {
    userId,
    type: 'custom',
    title: 'Budget day',
    description: 'What the budget means',
    audioKey,
    sizeBytes: audio.length,
    durationSec: 3727.004,
    chapters: [{ title: 'Intro', startSec: 0 }],
    transcript: SEGMENTS,
    sources: [{ kind: 'text', title: 'Budget', url: null }],
  });
  const completed = (await completeJob(db, job.id, { episodeId: episode.id })) as Job;
  return { job: completed, episode, audio };
}

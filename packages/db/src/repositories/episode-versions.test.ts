import { createPrismaClient, type PrismaClient, type User } from '../index';
import { advanceScriptVersion, publishEpisodeVersion, type RenderedVersion } from './episode-versions';
import { cancelJob, createJobWithStages, publishEpisode } from './jobs';

let db: PrismaClient;
let user: User;

beforeAll(() => {
  db = createPrismaClient(process.env.DATABASE_URL as string);
});
afterAll(() => db.$disconnect());
beforeEach(async () => {
  user = await db.user.create({ data: { email: `versions-${Date.now()}-${Math.random()}@example.com` } });
});

const newJob = (episodeId?: string) =>
  createJobWithStages(db, { userId: user.id, type: 'custom', request: {} }).then((job) =>
    episodeId ? db.job.update({ where: { id: job.id }, data: { episodeId } }) : job,
  );

/** A published version-1 episode. */
async function firstEpisode() {
  const job = await newJob();
  const published = await publishEpisode(
    db,
    job.id,
    {
      userId: user.id,
      type: 'custom',
      title: 'First',
      description: 'd',
      audioKey: `jobs/${job.id}/episode.mp3`,
      transcriptKey: `jobs/${job.id}/transcript.json`,
      sizeBytes: 1000,
      durationSec: 10,
      chapters: [{ title: 'Intro', startSec: 0 }],
      transcript: [{ speaker: 'Maya', text: 'Hello.', start: 0, end: 1 }],
    },
    3,
  );
  return published!.episode;
}

const rendered = (jobId: string, text: string): RenderedVersion => ({
  title: `Edited: ${text}`,
  description: 'd2',
  audioKey: `jobs/${jobId}/episode.mp3`,
  transcriptKey: `jobs/${jobId}/transcript.json`,
  sizeBytes: 2000,
  durationSec: 11,
  chapters: [{ title: 'Intro', startSec: 0 }],
  transcript: [{ speaker: 'Maya', text, start: 0, end: 1 }],
});

test('publishes version 2 and keeps version 1 as a row; the job completes once', async () => {
  const episode = await firstEpisode();
  const job = await newJob(episode.id);
  const result = await publishEpisodeVersion(db, job.id, episode.id, 2, rendered(job.id, 'Hi.'));
  expect(result).toMatchObject({
    outcome: 'published',
    job: { status: 'completed', progress: 100, episodeId: episode.id },
    episode: {
      version: 2,
      renderJobId: job.id,
      audioKey: `jobs/${job.id}/episode.mp3`,
      title: 'Edited: Hi.',
    },
  });
  const stored = await db.episode.findUniqueOrThrow({ where: { id: episode.id } });
  expect(stored.transcript).toEqual([{ speaker: 'Maya', text: 'Hi.', start: 0, end: 1 }]);
  const versions = await db.episodeVersion.findMany({ where: { episodeId: episode.id } });
  expect(versions).toEqual([
    expect.objectContaining({
      version: 1,
      jobId: episode.jobId,
      audioKey: episode.audioKey,
      scriptKey: `jobs/${episode.jobId}/script.json`,
      sizeBytes: 1000,
      transcript: [{ speaker: 'Maya', text: 'Hello.', start: 0, end: 1 }],
      renderedAt: episode.createdAt,
    }),
  ]);
  // A re-run of the upload's finalize after completion changes nothing.
  expect(await publishEpisodeVersion(db, job.id, episode.id, 2, rendered(job.id, 'Again.'))).toBeNull();
  expect(await db.episodeVersion.count({ where: { episodeId: episode.id } })).toBe(1);
  const events = await db.jobEvent.findMany({ where: { jobId: job.id, type: 'completed' } });
  expect(events.map((e) => e.data)).toEqual([{ episodeId: episode.id, version: 2 }]);
});

test('an older version finishing after a newer one completes its job without replacing it', async () => {
  const episode = await firstEpisode();
  const [v2, v3] = [await newJob(episode.id), await newJob(episode.id)];
  expect((await publishEpisodeVersion(db, v3.id, episode.id, 3, rendered(v3.id, 'Three.')))?.outcome).toBe(
    'published',
  );
  const late = await publishEpisodeVersion(db, v2.id, episode.id, 2, rendered(v2.id, 'Two.'));
  expect(late).toMatchObject({
    outcome: 'superseded',
    job: { status: 'completed' },
    episode: { version: 3 },
  });
  const stored = await db.episode.findUniqueOrThrow({ where: { id: episode.id } });
  expect([stored.version, stored.renderJobId, stored.title]).toEqual([3, v3.id, 'Edited: Three.']);
  expect(
    (await db.episodeVersion.findMany({ where: { episodeId: episode.id } })).map((v) => v.version),
  ).toEqual([1]);
});

test('a cancelled re-render publishes nothing', async () => {
  const episode = await firstEpisode();
  const job = await newJob(episode.id);
  await cancelJob(db, job.id);
  expect(await publishEpisodeVersion(db, job.id, episode.id, 2, rendered(job.id, 'Late.'))).toBeNull();
  expect((await db.episode.findUniqueOrThrow({ where: { id: episode.id } })).version).toBe(1);
});

test('advanceScriptVersion: of edits racing from one version, exactly one wins', async () => {
  const episode = await firstEpisode();
  const results = await Promise.all(
    ['a', 'b', 'c', 'd'].map((k) => advanceScriptVersion(db, episode.id, 1, `jobs/${k}/script.json`)),
  );
  expect(results.filter((r) => r === 2)).toHaveLength(1);
  expect(results.filter((r) => r === null)).toHaveLength(3);
  const stored = await db.episode.findUniqueOrThrow({ where: { id: episode.id } });
  expect(stored.scriptVersion).toBe(2);
  expect(await advanceScriptVersion(db, episode.id, 2, 'jobs/e/script.json')).toBe(3);
});

import { createPrismaClient, type PrismaClient, type User } from '../index';
import { createEpisodeOnce, type EpisodeInput, recordListen } from './episodes';
import { cancelJob, createJobWithStages, publishEpisode } from './jobs';
import { findRequester } from './users';

let db: PrismaClient;
let user: User;

beforeAll(() => {
  db = createPrismaClient(process.env.DATABASE_URL as string);
});
afterAll(() => db.$disconnect());
beforeEach(async () => {
  user = await db.user.create({ data: { email: `episodes-${Date.now()}-${Math.random()}@example.com` } });
});

const episodeData = (title: string): EpisodeInput => ({
  userId: user.id,
  type: 'custom',
  title,
  description: 'd',
  audioKey: 'jobs/x/episode.mp3',
  sizeBytes: 1000,
  durationSec: 12.5,
  chapters: [{ title: 'Intro', startSec: 0 }],
});

test('createEpisodeOnce twice for one job: one row, the first one, counted once', async () => {
  const job = await createJobWithStages(db, { userId: user.id, type: 'custom', request: {} });
  const first = await createEpisodeOnce(db, job.id, episodeData('first'));
  const second = await createEpisodeOnce(db, job.id, episodeData('second'));
  expect(first.created).toBe(true);
  expect(second).toEqual({ created: false, episode: first.episode });
  expect(second.episode.title).toBe('first');
  expect(await db.episode.count({ where: { jobId: job.id } })).toBe(1);
  const counted = await db.user.findUniqueOrThrow({ where: { id: user.id } });
  expect(counted.episodesGenerated).toBe(1);
  expect(counted.lastGeneratedAt).not.toBeNull();
});

test('racing createEpisodeOnce calls create exactly one episode', async () => {
  const job = await createJobWithStages(db, { userId: user.id, type: 'custom', request: {} });
  const results = await Promise.all(
    ['a', 'b', 'c', 'd'].map((t) => createEpisodeOnce(db, job.id, episodeData(t))),
  );
  expect(results.filter((r) => r.created)).toHaveLength(1);
  expect(new Set(results.map((r) => r.episode.id)).size).toBe(1);
  expect((await db.user.findUniqueOrThrow({ where: { id: user.id } })).episodesGenerated).toBe(1);
});

test('recordListen stores the listen and bumps the counter', async () => {
  const job = await createJobWithStages(db, { userId: user.id, type: 'custom', request: {} });
  const { episode } = await createEpisodeOnce(db, job.id, episodeData('e'));
  await recordListen(db, user.id, episode.id);
  await recordListen(db, user.id, episode.id);
  expect(await db.listen.count({ where: { episodeId: episode.id } })).toBe(2);
  const after = await db.user.findUniqueOrThrow({ where: { id: user.id } });
  expect(after.listens).toBe(2);
  expect(after.lastSeenAt).not.toBeNull();
});

test('findRequester: the user as Prisma reads it, with their episodes’ bytes summed', async () => {
  const owner = await db.user.update({
    where: { id: user.id },
    data: {
      timezone: 'Europe/Paris',
      sources: [{ kind: 'rss', url: 'https://example.com/feed.xml' }],
      style: { hosts: 2, tone: 'casual' },
      webhookUrl: 'https://hooks.example.com/pf',
      storageQuotaBytes: 5_000_000_000n,
      highPriorityPerDay: 4,
    },
  });
  for (const size of [1000, 2500]) {
    const job = await createJobWithStages(db, { userId: user.id, type: 'custom', request: {} });
    await createEpisodeOnce(db, job.id, { ...episodeData(`e${size}`), sizeBytes: size });
  }
  const other = await db.user.create({ data: { email: `other-${Date.now()}-${Math.random()}@example.com` } });
  const otherJob = await createJobWithStages(db, { userId: other.id, type: 'custom', request: {} });
  await createEpisodeOnce(db, otherJob.id, { ...episodeData('theirs'), userId: other.id, sizeBytes: 99 });

  expect(await findRequester(db, user.id)).toEqual({
    id: owner.id,
    timezone: owner.timezone,
    sources: owner.sources,
    style: owner.style,
    webhookUrl: owner.webhookUrl,
    storageQuotaBytes: owner.storageQuotaBytes,
    highPriorityPerDay: 4,
    usedBytes: 3500,
  });
  expect(await findRequester(db, other.id)).toMatchObject({ usedBytes: 99, storageQuotaBytes: null });
  expect(await findRequester(db, 'no-such-user')).toBeNull();
});

describe('publishEpisode', () => {
  const newJob = () => createJobWithStages(db, { userId: user.id, type: 'custom', request: {} });
  const generated = async () =>
    (await db.user.findUniqueOrThrow({ where: { id: user.id } })).episodesGenerated;

  test('creates the episode and completes the job together; a re-run publishes nothing more', async () => {
    const job = await newJob();
    const published = await publishEpisode(db, job.id, episodeData('first'), 3);
    expect(published?.job).toMatchObject({
      status: 'completed',
      progress: 100,
      episodeId: published?.episode.id,
    });
    expect(published?.episode).toMatchObject({ jobId: job.id, title: 'first' });
    expect(await publishEpisode(db, job.id, episodeData('again'), 3)).toBeNull();
    expect(await db.episode.count({ where: { jobId: job.id } })).toBe(1);
    expect(await generated()).toBe(1);
    const events = await db.jobEvent.findMany({ where: { jobId: job.id }, orderBy: { id: 'asc' } });
    expect(events.map((e) => e.type)).toEqual(['created', 'completed']);
  });

  test("claims the user's waiting jobs its slot lets in, as claimWaitingJobs would", async () => {
    const job = await createJobWithStages(db, {
      userId: user.id,
      type: 'custom',
      request: {},
      enqueuedAt: new Date(),
      run: 1,
    });
    const waiting = await newJob();
    const published = await publishEpisode(db, job.id, episodeData('first'), 1);
    expect(published?.claimed).toEqual([await db.job.findUniqueOrThrow({ where: { id: waiting.id } })]);
    expect(published?.claimed[0]).toMatchObject({ run: 1, status: 'queued', enqueuedAt: expect.any(Date) });
  });

  test('a cancelled job publishes nothing', async () => {
    const job = await newJob();
    await cancelJob(db, job.id);
    expect(await publishEpisode(db, job.id, episodeData('late'), 3)).toBeNull();
    expect(await db.episode.count({ where: { jobId: job.id } })).toBe(0);
    expect(await generated()).toBe(0);
  });

  test('racing a cancel: either cancelled with no episode, or completed with its episode', async () => {
    for (let i = 0; i < 12; i++) {
      const job = await newJob();
      const [published, cancelled] = await Promise.all([
        publishEpisode(db, job.id, episodeData(`race ${i}`), 3),
        cancelJob(db, job.id),
      ]);
      expect((published === null) !== (cancelled === null)).toBe(true); // exactly one of them won
      const final = await db.job.findUniqueOrThrow({ where: { id: job.id } });
      const episodes = await db.episode.count({ where: { jobId: job.id } });
      expect([final.status, episodes]).toEqual(published ? ['completed', 1] : ['cancelled', 0]);
    }
  });
});

import { createPrismaClient, type PrismaClient, type User } from '../index';
import { createEpisodeOnce, type EpisodeInput, recordListen } from './episodes';
import { createJobWithStages } from './jobs';

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

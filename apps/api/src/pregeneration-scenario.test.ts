// Pre-generation as a new user meets it (issue #19): an admin creates the user with daily
// pre-generation and sources, the user calls the API, the cron endpoint pre-generates, and the
// daily request is answered from the cache. In-process workers (stand-in audio) run the jobs; the
// run targets every user, so this file has a database of its own.
import { waitFor } from '@podfleet/test-kit';
import request from 'supertest';
import { startTestFleet, type TestFleet } from '../test/fleet';
import {
  ADMIN_KEY,
  bearer,
  createScratchDatabase,
  startTestApi,
  type TestApi,
  testEnv,
} from '../test/harness';

const CRON_SECRET = 'cron-secret-for-tests-0123456789';
const DAY = 86_400_000;
const sources = [
  {
    kind: 'text',
    title: 'The harbour ferry',
    text:
      'The harbour ferry returns on Monday after a winter of repairs. Its new engine burns half the fuel. ' +
      'Commuters can again cross the bay in twelve minutes, and bicycles ride free until spring.',
  },
];

const env = testEnv(process.env, 'pregeneration-scenario');
let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
let t: TestApi;
let fleet: TestFleet;
beforeAll(async () => {
  scratch = await createScratchDatabase(env, 'pregeneration_scenario');
  t = await startTestApi({ ...env, databaseUrl: scratch.url }, { settings: { cronSecret: CRON_SECRET } });
  fleet = await startTestFleet({ ...env, databaseUrl: scratch.url }, t.api.pipeline, {
    kind: 'stand-in',
    control: {},
  });
});
afterAll(async () => {
  await fleet?.close();
  await t?.close();
  await scratch?.drop();
});

/** POST /v1/users as the admin: daily pre-generation on, saved sources, a short style. */
async function createUser(email: string): Promise<{ id: string; key: string }> {
  const res = await request(t.app)
    .post('/v1/users')
    .set(bearer(ADMIN_KEY))
    .send({ email, dailyEnabled: true, sources, style: { targetMinutes: 0.5 } })
    .expect(201);
  return { id: res.body.user.id, key: res.body.apiKey };
}

const lastSeen = async (userId: string) =>
  (await t.db.user.findUniqueOrThrow({ where: { id: userId } })).lastSeenAt;

it('a new user is pre-generated after GET /v1/me, and the daily request is answered from the cache', async () => {
  const maya = await createUser('maya@example.test');
  // Two users made ten days ago: only the one who uses the API counts as active.
  const [theo, idle] = await Promise.all([createUser('theo@example.test'), createUser('idle@example.test')]);
  await t.db.user.updateMany({
    where: { id: { in: [theo.id, idle.id] } },
    data: { createdAt: new Date(Date.now() - 10 * DAY) },
  });

  for (const user of [maya, theo]) {
    await request(t.app).get('/v1/me').set(bearer(user.key)).expect(200);
    await waitFor(() => lastSeen(user.id), { what: 'lastSeenAt after GET /v1/me' });
  }
  expect(await lastSeen(idle.id)).toBeNull();

  const run = await request(t.app).post('/v1/cron/pregenerate').set(bearer(CRON_SECRET)).expect(200);
  expect(run.body).toMatchObject({ total: 3, successful: 2, failed: 0, skipped: 1, deferred: 0 });
  expect(run.body.skippedByReason).toMatchObject({ inactive: 1 });

  const jobs = await t.db.job.findMany({ where: { pregenerated: true } });
  expect(jobs.map((j) => j.userId).sort()).toEqual([maya.id, theo.id].sort());
  const mayaJob = jobs.find((j) => j.userId === maya.id)!;
  await waitFor(
    async () => (await t.db.job.findUniqueOrThrow({ where: { id: mayaJob.id } })).status === 'completed',
    { timeoutMs: 60_000, what: "Maya's pre-generated episode" },
  );

  const daily = await request(t.app)
    .post('/v1/episodes')
    .set(bearer(maya.key))
    .send({ type: 'daily' })
    .expect(200);
  expect(daily.headers['x-podfleet-cache']).toBe('hit');
  expect(daily.body).toMatchObject({ cached: true, source: 'cache', episode: { jobId: mayaJob.id } });
  expect(await t.db.job.count({ where: { userId: maya.id } })).toBe(1);
});

it("an operator's partial tier reaches pre-generation: the night makes the script, the request the audio", async () => {
  const ada = await createUser('ada@example.test');
  await request(t.app)
    .patch(`/v1/users/${ada.id}`)
    .set(bearer(ADMIN_KEY))
    .send({ pregenerateTier: 'partial' })
    .expect(200);

  const run = await request(t.app).post('/v1/cron/pregenerate').set(bearer(CRON_SECRET)).expect(200);
  expect(run.body).toMatchObject({ successful: 1, failed: 0 });
  const night = await t.db.job.findFirstOrThrow({ where: { userId: ada.id, pregenerated: true } });
  expect(night.partial).toBe(true);
  await waitFor(
    async () => (await t.db.job.findUniqueOrThrow({ where: { id: night.id } })).status === 'completed',
    { timeoutMs: 60_000, what: "Ada's script" },
  );

  const ticket = await request(t.app)
    .post('/v1/episodes')
    .set(bearer(ada.key))
    .send({ type: 'daily' })
    .expect(202);
  await waitFor(
    async () =>
      (await t.db.job.findUniqueOrThrow({ where: { id: ticket.body.jobId } })).status === 'completed',
    { timeoutMs: 60_000, what: "Ada's episode" },
  );
  const stages = await t.db.jobStage.findMany({ where: { jobId: ticket.body.jobId } });
  // The night's sources and script are reused (never run for this job); audio and upload run.
  expect(Object.fromEntries(stages.map((s) => [s.stage, [s.status, s.attempts]]))).toEqual({
    scrape: ['completed', 0],
    script: ['completed', 0],
    audio: ['completed', 1],
    upload: ['completed', 1],
  });
});

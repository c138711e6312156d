import { randomUUID } from 'node:crypto';
import { createJobWithStages } from '@podfleet/db';
import { createEpisode, createTestContext, createUser, type TestContext } from '../test/context';
import { cacheRedisKey, writeEpisodeCache } from './cache';
import { cleanupExpired, quotaStatus, retentionCleanup, storageUsedByUser } from './retention';
import { selectPregenerationTargets } from './targeting';

const DAY = 86_400_000;
const NOW = new Date('2026-11-26T04:30:00Z');

describe('cleanupExpired', () => {
  let t: TestContext;
  beforeEach(async () => {
    t = await createTestContext();
    await t.db.user.deleteMany(); // the run's other suites share this database
  });
  afterEach(async () => {
    await t.close();
  });

  const put = (key: string) =>
    t.ctx.storage.put(key, Buffer.from(`bytes of ${key}`), { contentType: 'application/octet-stream' });
  const artifacts = ['sources.json', 'script.json', 'audio.json', 'episode.mp3', 'transcript.json'];
  const putJobFiles = async (jobId: string, names = artifacts) => {
    for (const name of names) await put(`jobs/${jobId}/${name}`);
  };
  const finishedJob = async (
    userId: string,
    status: 'failed' | 'cancelled' | 'running' | 'completed',
    daysAgo: number,
  ) => {
    const job = await createJobWithStages(t.db, { userId, type: 'custom', request: {} });
    await t.db.jobStage.update({
      where: { jobId_stage: { jobId: job.id, stage: 'scrape' } },
      data: { status: 'completed', artifactKey: `jobs/${job.id}/sources.json`, checksum: 'x' },
    });
    return t.db.job.update({
      where: { id: job.id },
      data: { status, completedAt: status === 'running' ? null : new Date(NOW.getTime() - daysAgo * DAY) },
    });
  };

  it('removes exactly the expired episodes with their files, and the orphaned artifacts', async () => {
    const user = await createUser(t.db);
    const expired = await createEpisode(t.db, {
      userId: user.id,
      localDate: '2026-11-26',
      expiresAt: new Date(NOW.getTime() - 60_000),
    });
    const current = await createEpisode(t.db, {
      userId: user.id,
      localDate: '2026-11-25',
      expiresAt: new Date(NOW.getTime() + DAY),
    });
    const forever = await createEpisode(t.db, { userId: user.id, localDate: '2026-11-24', expiresAt: null });
    for (const e of [expired, current, forever]) await putJobFiles(e.jobId);
    // The expired one is cached (written while it was still valid).
    await writeEpisodeCache(t.ctx, expired, new Date(NOW.getTime() - 2 * 60_000));
    expect(await t.ctx.redis.exists(cacheRedisKey(t.ctx.prefix, user.id, 'daily', '2026-11-26'))).toBe(1);

    const goneJobId = randomUUID(); // artifacts of a job whose row was deleted
    await putJobFiles(goneJobId, ['sources.json', 'script.json']);
    const oldFailed = await finishedJob(user.id, 'failed', 8);
    await putJobFiles(oldFailed.id, ['sources.json', 'script.json']);
    const oldPartial = await finishedJob(user.id, 'completed', 8); // a partial pre-generation, no episode
    await putJobFiles(oldPartial.id, ['sources.json', 'script.json']);
    const recentFailed = await finishedJob(user.id, 'failed', 1);
    await putJobFiles(recentFailed.id, ['sources.json']);
    const running = await finishedJob(user.id, 'running', 0);
    await putJobFiles(running.id, ['sources.json']);
    await put('sources/abc123.txt'); // shared source texts are not artifacts

    const before = await t.ctx.storage.list('');
    const result = await cleanupExpired(t.ctx, { now: NOW });
    expect(result).toEqual({ episodes: 1, files: 5, orphans: 6 });

    const removed = [
      ...artifacts.map((n) => `jobs/${expired.jobId}/${n}`),
      ...['sources.json', 'script.json'].flatMap((n) =>
        [goneJobId, oldFailed.id, oldPartial.id].map((id) => `jobs/${id}/${n}`),
      ),
    ];
    expect(await t.ctx.storage.list('')).toEqual(before.filter((k) => !removed.includes(k)));
    expect((await t.db.episode.findMany({ orderBy: { createdAt: 'asc' } })).map((e) => e.id)).toEqual([
      current.id,
      forever.id,
    ]);
    // The job stays as history; its episode link is cleared.
    expect(await t.db.job.findUniqueOrThrow({ where: { id: expired.jobId } })).toMatchObject({
      episodeId: null,
    });
    expect(await t.ctx.redis.exists(cacheRedisKey(t.ctx.prefix, user.id, 'daily', '2026-11-26'))).toBe(0);
    // A retry of the old failed job must not trust its removed artifacts.
    const stage = await t.db.jobStage.findUniqueOrThrow({
      where: { jobId_stage: { jobId: oldFailed.id, stage: 'scrape' } },
    });
    expect(stage).toMatchObject({ status: 'pending', artifactKey: null, checksum: null });
    const kept = await t.db.jobStage.findUniqueOrThrow({
      where: { jobId_stage: { jobId: recentFailed.id, stage: 'scrape' } },
    });
    expect(kept.status).toBe('completed');

    // Nothing left to do the second time.
    expect(await cleanupExpired(t.ctx, { now: NOW })).toEqual({ episodes: 0, files: 0, orphans: 0 });
  });

  it("removes an expired episode's clips with their media", async () => {
    const user = await createUser(t.db);
    const expired = await createEpisode(t.db, {
      userId: user.id,
      expiresAt: new Date(NOW.getTime() - 60_000),
    });
    const clipsJob = await createJobWithStages(t.db, { userId: user.id, type: 'clips', request: {} });
    const clip = await t.db.clip.create({
      data: {
        userId: user.id,
        episodeId: expired.id,
        jobId: clipsJob.id,
        platform: 'generic',
        startSec: 0,
        endSec: 12,
        durationSec: 12,
        score: 0.5,
        confidence: 'medium',
        title: 'A clip',
        text: 'A clip.',
        features: {},
        mp3Key: `clips/${user.id}/c1.mp3`,
        mp4Key: `clips/${user.id}/c1.mp4`,
      },
    });
    await put(clip.mp3Key!);
    await put(clip.mp4Key!);
    await put(`clips/${user.id}/other.mp3`); // another episode's clip stays

    const result = await cleanupExpired(t.ctx, { now: NOW });
    expect(result).toMatchObject({ episodes: 1, files: 2 });
    expect(await t.db.clip.count({ where: { id: clip.id } })).toBe(0);
    expect(await t.ctx.storage.list('clips/')).toEqual([`clips/${user.id}/other.mp3`]);
  });

  it('runs as the maintenance cleanup task at the current time', async () => {
    const user = await createUser(t.db);
    const expired = await createEpisode(t.db, { userId: user.id, expiresAt: new Date(Date.now() - 1000) });
    await putJobFiles(expired.jobId, ['episode.mp3']);
    expect(await retentionCleanup()(t.ctx)).toEqual({ episodes: 1, files: 1, orphans: 0 });
    expect(await t.db.episode.count({ where: { id: expired.id } })).toBe(0);
  });

  it('keeps failed jobs’ artifacts for the grace period it is given', async () => {
    const user = await createUser(t.db);
    const failed = await finishedJob(user.id, 'failed', 2);
    await putJobFiles(failed.id, ['sources.json']);
    expect((await cleanupExpired(t.ctx, { now: NOW, orphanGraceMs: 3 * DAY })).orphans).toBe(0);
    expect((await cleanupExpired(t.ctx, { now: NOW, orphanGraceMs: DAY })).orphans).toBe(1);
  });
});

describe('storage quota', () => {
  let t: TestContext;
  /** As the API checks it: the user's episodes summed, against their own limit or the default. */
  const checkStorageQuota = async (userId: string, defaultQuota: number) => {
    const user = await t.db.user.findUniqueOrThrow({ where: { id: userId } });
    const used = (await storageUsedByUser(t.db, [userId])).get(userId) ?? 0;
    return quotaStatus(used, user.storageQuotaBytes, defaultQuota);
  };
  beforeAll(async () => {
    t = await createTestContext();
  });
  afterAll(async () => {
    await t.close();
  });

  it('sums the user’s episodes against the default quota or the user’s own', async () => {
    const user = await createUser(t.db);
    await createEpisode(t.db, { userId: user.id, sizeBytes: 100 });
    await createEpisode(t.db, { userId: user.id, sizeBytes: 200, localDate: '2026-11-25' });
    await createEpisode(t.db, { userId: (await createUser(t.db)).id, sizeBytes: 5_000 });

    expect(await checkStorageQuota(user.id, 250)).toEqual({
      usedBytes: 300,
      quotaBytes: 250,
      exceeded: true,
    });
    expect(await checkStorageQuota(user.id, 300)).toMatchObject({ exceeded: true });
    expect(await checkStorageQuota(user.id, 301)).toMatchObject({ exceeded: false });
    expect(await checkStorageQuota(user.id, 0)).toMatchObject({ quotaBytes: 0, exceeded: false }); // unlimited
    await t.db.user.update({ where: { id: user.id }, data: { storageQuotaBytes: 1_000n } });
    expect(await checkStorageQuota(user.id, 250)).toEqual({
      usedBytes: 300,
      quotaBytes: 1_000,
      exceeded: false,
    });
    const fresh = await createUser(t.db);
    expect(await checkStorageQuota(fresh.id, 250)).toEqual({
      usedBytes: 0,
      quotaBytes: 250,
      exceeded: false,
    });
  });

  it('keeps users over quota out of pre-generation when a quota is given', async () => {
    await t.db.user.deleteMany();
    const now = new Date('2026-11-26T03:00:00Z');
    const full = await createUser(t.db, { name: 'full' }, now);
    await createEpisode(t.db, { userId: full.id, sizeBytes: 1_000, localDate: '2026-11-25' });
    const roomy = await createUser(t.db, { name: 'roomy', storageQuotaBytes: 10_000n }, now);
    await createEpisode(t.db, { userId: roomy.id, sizeBytes: 1_000, localDate: '2026-11-25' });
    const s = await selectPregenerationTargets(t.db, { now, mode: 'all', quotaBytes: 500 });
    expect(s.targets.map((x) => x.user.id)).toEqual([roomy.id]);
    expect(s.skipped).toEqual([{ userId: full.id, reason: 'over-quota' }]);
  });
});

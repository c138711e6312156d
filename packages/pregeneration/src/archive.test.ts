import type { Prisma, PrismaClient } from '@podfleet/db';
import { S3StorageDriver } from '@podfleet/providers';
import { type S3rverHandle, startS3rver } from '@podfleet/providers/testing';
import { createEpisode, createTestContext, createUser, type TestContext } from '../test/context';
import { archiveKeyOf, restoreClip, restoreEpisode } from './archive';
import { cacheRedisKey, writeEpisodeCache } from './cache';
import { cleanupExpired } from './retention';
import { checkStorageRoom, storageUsage } from './storage-usage';

const DAY = 86_400_000;
const NOW = new Date('2026-11-26T04:30:00Z');
const ARCHIVE_DAYS = 30;

/** A clip row as the clips job writes it, with its media stored. */
async function createClip(
  t: TestContext,
  episode: { id: string; userId: string; jobId: string },
  options: { sizeBytes: number; expiresAt?: Date | null; name?: string },
) {
  const name = options.name ?? 'c1';
  const keys = {
    mp3Key: `jobs/${episode.jobId}/clips/${name}.mp3`,
    mp4Key: `jobs/${episode.jobId}/clips/${name}.mp4`,
  };
  await t.ctx.storage.put(keys.mp3Key, Buffer.from(`mp3 of ${name}`), { contentType: 'audio/mpeg' });
  await t.ctx.storage.put(keys.mp4Key, Buffer.from(`mp4 of ${name}`), { contentType: 'video/mp4' });
  return t.db.clip.create({
    data: {
      userId: episode.userId,
      episodeId: episode.id,
      jobId: episode.jobId,
      platform: 'tiktok',
      startSec: 0,
      endSec: 20,
      durationSec: 20,
      score: 0.8,
      confidence: 'high',
      title: 'A hook',
      text: 'Did you know?',
      features: {} as Prisma.InputJsonValue,
      ...keys,
      sizeBytes: BigInt(options.sizeBytes),
      expiresAt: options.expiresAt ?? null,
    },
  });
}

/** An upload-type episode (its job row says `upload`). */
async function createUploadEpisode(db: PrismaClient, userId: string, sizeBytes: number) {
  const episode = await createEpisode(db, { userId, type: 'custom', localDate: null, sizeBytes });
  return db.episode.update({ where: { id: episode.id }, data: { type: 'upload' } });
}

describe('archive', () => {
  let t: TestContext;
  beforeEach(async () => {
    t = await createTestContext();
    await t.db.user.deleteMany(); // the run's other suites share this database
  });
  afterEach(async () => {
    await t.close();
  });

  const putEpisodeFiles = async (jobId: string) => {
    for (const name of ['script.json', 'episode.mp3', 'transcript.json']) {
      await t.ctx.storage.put(`jobs/${jobId}/${name}`, Buffer.from(`${name} of ${jobId}`), {
        contentType: 'application/octet-stream',
      });
    }
  };
  const cleanup = (now: Date) => cleanupExpired(t.ctx, { now, archiveDays: ARCHIVE_DAYS });

  it('archives expired episodes and clips, restores them, and deletes them after ARCHIVE_DAYS', async () => {
    const user = await createUser(t.db);
    const expired = await createEpisode(t.db, {
      userId: user.id,
      expiresAt: new Date(NOW.getTime() - 60_000),
    });
    const current = await createEpisode(t.db, {
      userId: user.id,
      localDate: '2026-11-25',
      expiresAt: new Date(NOW.getTime() + 100 * DAY),
    });
    for (const e of [expired, current]) await putEpisodeFiles(e.jobId);
    const clip = await createClip(t, current, { sizeBytes: 100, expiresAt: new Date(NOW.getTime() - 1) });
    await writeEpisodeCache(t.ctx, expired, new Date(NOW.getTime() - 2 * 60_000));
    const cacheKey = cacheRedisKey(t.ctx.prefix, user.id, 'daily', '2026-11-26');
    expect(await t.ctx.redis.exists(cacheKey)).toBe(1);

    expect(await cleanup(NOW)).toEqual({
      archived: { episodes: 1, clips: 1 },
      episodes: 0,
      clips: 0,
      files: 5, // the episode job's three objects, the clip's two
      orphans: 0,
    });
    const a = `jobs/${expired.jobId}`;
    const c = `jobs/${current.jobId}`;
    expect(await t.ctx.storage.list('')).toEqual([
      `archive/${a}/episode.mp3`,
      `archive/${a}/transcript.json`,
      `archive/${c}/clips/c1.mp3`,
      `archive/${c}/clips/c1.mp4`,
      `${c}/episode.mp3`,
      `${c}/script.json`,
      `${c}/transcript.json`,
    ]);
    expect(await t.ctx.storage.getBuffer(`archive/${a}/episode.mp3`)).toEqual(
      Buffer.from(`episode.mp3 of ${expired.jobId}`),
    );
    expect((await t.db.episode.findUniqueOrThrow({ where: { id: expired.id } })).archivedAt).toEqual(NOW);
    expect((await t.db.clip.findUniqueOrThrow({ where: { id: clip.id } })).archivedAt).toEqual(NOW);
    expect(await t.ctx.redis.exists(cacheKey)).toBe(0);
    // Nothing more to do on a second run the same day.
    expect(await cleanup(NOW)).toMatchObject({ archived: { episodes: 0, clips: 0 }, files: 0, orphans: 0 });

    // Usage: the archive counts for the fleet, not against the user.
    const mine = await storageUsage(t.db, { userId: user.id });
    expect(mine).toEqual({
      byKind: { episodes: 48_000, uploads: 0, clips: 0, archive: 48_100 },
      liveBytes: 48_000,
      totalBytes: 96_100,
    });

    // Restore within the window: objects back, row live, expiring again per retention.
    const later = new Date(NOW.getTime() + 10 * DAY);
    const options = { now: later, archiveDays: ARCHIVE_DAYS, retentionDays: 30 };
    const restored = await restoreEpisode(t.ctx, expired.id, options);
    expect(restored).toMatchObject({
      status: 'restored',
      row: { id: expired.id, archivedAt: null, expiresAt: new Date(later.getTime() + 30 * DAY) },
    });
    expect(await t.ctx.storage.getBuffer(`${a}/episode.mp3`)).toEqual(
      Buffer.from(`episode.mp3 of ${expired.jobId}`),
    );
    expect(await t.ctx.storage.list(`archive/${a}/`)).toEqual([]);
    expect(await restoreEpisode(t.ctx, expired.id, options)).toEqual({ status: 'not-archived' });
    expect(await restoreEpisode(t.ctx, 'no-such-id', options)).toEqual({ status: 'not-found' });

    // The clip stays archived past the window: restore refuses (gone), the cleanup deletes it.
    const pastWindow = new Date(NOW.getTime() + (ARCHIVE_DAYS + 1) * DAY);
    expect(await restoreClip(t.ctx, clip.id, { ...options, now: pastWindow })).toMatchObject({
      status: 'gone',
    });
    expect(await cleanup(pastWindow)).toEqual({
      archived: { episodes: 0, clips: 0 },
      episodes: 0,
      clips: 1,
      files: 2,
      orphans: 0,
    });
    expect(await t.db.clip.count()).toBe(0);
    expect(await t.ctx.storage.list('archive/')).toEqual([]);
    expect(await t.db.episode.count()).toBe(2);
  });

  it('survives a crash between the copy and the row update, and one between the update and the delete', async () => {
    const user = await createUser(t.db);
    const episode = await createEpisode(t.db, { userId: user.id, expiresAt: new Date(NOW.getTime() - 1) });
    await putEpisodeFiles(episode.jobId);
    const audio = `jobs/${episode.jobId}/episode.mp3`;
    // Crash 1: the copy was made, the row never updated. The object is still live; a re-run finishes.
    await t.ctx.storage.copy(audio, archiveKeyOf(audio));
    expect(await cleanup(NOW)).toMatchObject({ archived: { episodes: 1, clips: 0 } });
    expect(await t.ctx.storage.getBuffer(archiveKeyOf(audio))).toEqual(
      Buffer.from(`episode.mp3 of ${episode.jobId}`),
    );
    expect(await t.ctx.storage.head(audio)).toBeNull();

    // Crash 2: a restore copied back and updated the row, then died before deleting the archive
    // copies. The episode is live; the sweep deletes the copies no archived row points at.
    const restored = await restoreEpisode(t.ctx, episode.id, {
      now: NOW,
      archiveDays: ARCHIVE_DAYS,
      retentionDays: 0,
    });
    expect(restored).toMatchObject({ status: 'restored', row: { expiresAt: null } });
    await t.ctx.storage.copy(audio, archiveKeyOf(audio));
    expect(await cleanup(NOW)).toMatchObject({ archived: { episodes: 0, clips: 0 }, orphans: 1 });
    expect(await t.ctx.storage.list('archive/')).toEqual([]);
    expect(await t.ctx.storage.head(audio)).not.toBeNull();

    // Crash 3: archived, but the live object was never deleted: the purge deletes it too.
    await t.db.episode.update({
      where: { id: episode.id },
      data: { expiresAt: new Date(NOW.getTime() - 1) },
    });
    await t.ctx.storage.copy(audio, archiveKeyOf(audio));
    await t.db.episode.update({ where: { id: episode.id }, data: { archivedAt: NOW } });
    expect(await t.ctx.storage.head(audio)).not.toBeNull();
    const result = await cleanup(new Date(NOW.getTime() + (ARCHIVE_DAYS + 1) * DAY));
    expect(result).toMatchObject({ episodes: 1 });
    expect(await t.ctx.storage.list('')).toEqual([]);
  });

  it("keeps a live clip's media when its episode is archived, and deletes them with the episode", async () => {
    const user = await createUser(t.db);
    const episode = await createEpisode(t.db, { userId: user.id, expiresAt: new Date(NOW.getTime() - 1) });
    await putEpisodeFiles(episode.jobId);
    const clip = await createClip(t, episode, { sizeBytes: 10 }); // stored under the episode job's prefix
    expect(await cleanup(NOW)).toMatchObject({ archived: { episodes: 1, clips: 0 }, files: 3 });
    expect(await t.ctx.storage.list(`jobs/${episode.jobId}/`)).toEqual([clip.mp3Key, clip.mp4Key]);
    expect(await cleanup(new Date(NOW.getTime() + (ARCHIVE_DAYS + 1) * DAY))).toMatchObject({
      episodes: 1,
      clips: 1,
    });
    expect(await t.ctx.storage.list('')).toEqual([]);
  });

  it('deletes at expiry with ARCHIVE_DAYS 0, archived rows included', async () => {
    const user = await createUser(t.db);
    const expired = await createEpisode(t.db, { userId: user.id, expiresAt: new Date(NOW.getTime() - 1) });
    await putEpisodeFiles(expired.jobId);
    const archived = await createEpisode(t.db, { userId: user.id, localDate: '2026-11-20' });
    await t.db.episode.update({
      where: { id: archived.id },
      data: { archivedAt: new Date(NOW.getTime() - DAY) },
    });
    const result = await cleanupExpired(t.ctx, { now: NOW, archiveDays: 0 });
    expect(result).toMatchObject({ archived: { episodes: 0, clips: 0 }, episodes: 2, files: 3 });
    expect(await t.db.episode.count()).toBe(0);
    expect(await t.ctx.storage.list('')).toEqual([]);
  });
});

describe('archive on S3 (s3rver)', () => {
  let t: TestContext;
  let s3: S3rverHandle;
  let storage: S3StorageDriver;
  beforeAll(async () => {
    s3 = await startS3rver();
    storage = new S3StorageDriver({
      bucket: s3.bucket,
      endpoint: s3.endpoint,
      forcePathStyle: true,
      credentials: s3.credentials,
    });
    t = await createTestContext();
  });
  afterAll(async () => {
    await t?.close();
    await storage?.close();
    await s3?.stop();
  });

  it('archives into ARCHIVE_STORAGE_CLASS by a server-side copy, and restores into the default class', async () => {
    const ctx = { ...t.ctx, storage };
    const user = await createUser(t.db);
    const episode = await createEpisode(t.db, { userId: user.id, expiresAt: new Date(NOW.getTime() - 1) });
    const audio = `jobs/${episode.jobId}/episode.mp3`;
    const put = await storage.put(audio, Buffer.from('mp3 on s3'), { contentType: 'audio/mpeg' });

    // Other suites' expired rows share this database: only this episode's objects are in the bucket.
    await cleanupExpired(ctx, { now: NOW, archiveDays: ARCHIVE_DAYS, archiveStorageClass: 'STANDARD_IA' });
    expect(await t.db.episode.findUniqueOrThrow({ where: { id: episode.id } })).toMatchObject({
      archivedAt: NOW,
    });
    expect(await storage.head(audio)).toBeNull();
    expect(await storage.head(archiveKeyOf(audio))).toEqual({
      sizeBytes: 9,
      contentType: 'audio/mpeg',
      checksum: put.checksum,
      storageClass: 'STANDARD_IA',
    });

    const restored = await restoreEpisode(ctx, episode.id, {
      now: NOW,
      archiveDays: ARCHIVE_DAYS,
      retentionDays: 30,
    });
    expect(restored.status).toBe('restored');
    expect(await storage.head(audio)).toEqual({
      sizeBytes: 9,
      contentType: 'audio/mpeg',
      checksum: put.checksum,
    });
    expect(await storage.getBuffer(audio)).toEqual(Buffer.from('mp3 on s3'));
    expect(await storage.list('archive/')).toEqual([]);
  });
});

describe('storage usage and room', () => {
  let t: TestContext;
  beforeEach(async () => {
    t = await createTestContext();
    await t.db.user.deleteMany();
  });
  afterEach(async () => {
    await t.close();
  });

  it('counts bytes per kind for a user and the fleet, and refuses past the user quota, then the fleet one', async () => {
    const alice = await createUser(t.db);
    const bob = await createUser(t.db);
    const generated = await createEpisode(t.db, { userId: alice.id, sizeBytes: 1_000 });
    await createUploadEpisode(t.db, alice.id, 2_000);
    await createClip(t, generated, { sizeBytes: 300 });
    const archivedClip = await createClip(t, generated, { sizeBytes: 50, name: 'c2' });
    await t.db.clip.update({ where: { id: archivedClip.id }, data: { archivedAt: NOW } });
    await createEpisode(t.db, { userId: bob.id, sizeBytes: 5_000 });

    expect(await storageUsage(t.db, { userId: alice.id })).toEqual({
      byKind: { episodes: 1_000, uploads: 2_000, clips: 300, archive: 50 },
      liveBytes: 3_300,
      totalBytes: 3_350,
    });
    expect(await storageUsage(t.db)).toEqual({
      byKind: { episodes: 6_000, uploads: 2_000, clips: 300, archive: 50 },
      liveBytes: 8_300,
      totalBytes: 8_350,
    });

    const limits = { userDefaultQuotaBytes: 4_000, fleetQuotaBytes: 10_000 };
    const room = (userId: string, incomingBytes: number, l = limits) =>
      checkStorageRoom(t.db, { userId, incomingBytes }, l);
    expect(await room(alice.id, 700)).toEqual({ ok: true });
    expect(await room(alice.id, 701)).toEqual({
      ok: false,
      quota: 'user',
      usedBytes: 3_300,
      limitBytes: 4_000,
      incomingBytes: 701,
    });
    // Bob's own limit is roomy; the fleet's (8 350 stored) is not.
    await t.db.user.update({ where: { id: bob.id }, data: { storageQuotaBytes: 100_000n } });
    expect(await room(bob.id, 1_650)).toEqual({ ok: true });
    expect(await room(bob.id, 1_651)).toEqual({
      ok: false,
      quota: 'fleet',
      usedBytes: 8_350,
      limitBytes: 10_000,
      incomingBytes: 1_651,
    });
    // 0: unlimited, both.
    expect(await room(alice.id, 1e12, { userDefaultQuotaBytes: 0, fleetQuotaBytes: 0 })).toEqual({
      ok: true,
    });
  });
});

import type { Prisma } from '@podfleet/db';
import { archiveKeyOf } from '@podfleet/pregeneration';
import request from 'supertest';
import { makeEpisode } from '../../test/fixtures';
import { ADMIN_KEY, bearer, startTestApi, type TestApi, testEnv } from '../../test/harness';
import { HttpProblem } from '../http/problem';
import { assertStorageRoom } from '../services/storage-room';

const DAY = 86_400_000;
let now = new Date();
let t: TestApi;
beforeAll(async () => {
  t = await startTestApi(testEnv(process.env, 'storage'), { clock: () => now });
});
afterAll(() => t.close());
beforeEach(() => {
  now = new Date();
});

const admin = bearer(ADMIN_KEY);

/** A clip row as the clips job writes it, its media stored. */
async function makeClip(
  episode: { id: string; userId: string; jobId: string },
  sizeBytes: number,
  expiresAt: Date | null = null,
) {
  const mp3Key = `jobs/${episode.jobId}/clips/${sizeBytes}.mp3`;
  await t.storage.put(mp3Key, Buffer.alloc(sizeBytes, 7), { contentType: 'audio/mpeg' });
  return t.db.clip.create({
    data: {
      userId: episode.userId,
      episodeId: episode.id,
      jobId: episode.jobId,
      platform: 'shorts',
      startSec: 1,
      endSec: 21,
      durationSec: 20,
      score: 0.5,
      confidence: 'medium',
      title: 'Clip',
      text: 'Why it matters.',
      features: {} as Prisma.InputJsonValue,
      mp3Key,
      sizeBytes: BigInt(sizeBytes),
      expiresAt,
    },
  });
}

/**
 * What the daily cleanup does to one expired row (@podfleet/pregeneration archiveExpired, tested
 * there): the cleanup itself works fleet-wide and would archive other suites' rows in this
 * shared database.
 */
async function archive(keys: string[], row: { episodeId?: string; clipId?: string }, at: Date) {
  for (const key of keys) await t.storage.copy(key, archiveKeyOf(key));
  if (row.episodeId) await t.db.episode.update({ where: { id: row.episodeId }, data: { archivedAt: at } });
  if (row.clipId) await t.db.clip.update({ where: { id: row.clipId }, data: { archivedAt: at } });
  for (const key of keys) await t.storage.delete(key);
}

describe('GET /v1/storage/stats', () => {
  it('shows a user their bytes by kind and their quota, and the admin the fleet by kind and its quota', async () => {
    const { user, key } = await t.createUser();
    const generated = await makeEpisode(t.db, t.storage, user.id);
    const upload = await makeEpisode(t.db, t.storage, user.id, { audio: Buffer.alloc(1000, 1) });
    await t.db.episode.update({ where: { id: upload.episode.id }, data: { type: 'upload' } });
    await makeClip(generated.episode, 500);

    const mine = await request(t.app).get('/v1/storage/stats').set(bearer(key)).expect(200);
    expect(mine.body).toEqual({
      scope: 'user',
      usage: { episodes: 4096, uploads: 1000, clips: 500 },
      usedBytes: 5596,
      quotaBytes: 1024 ** 3,
      remainingBytes: 1024 ** 3 - 5596,
    });
    await t.db.user.update({ where: { id: user.id }, data: { storageQuotaBytes: 5000n } });
    const over = await request(t.app).get('/v1/storage/stats').set(bearer(key)).expect(200);
    expect(over.body).toMatchObject({ usedBytes: 5596, quotaBytes: 5000, remainingBytes: 0 });

    const fleet = await request(t.app).get('/v1/storage/stats').set(admin).expect(200);
    expect(fleet.body).toMatchObject({
      scope: 'fleet',
      quotaBytes: 10 * 1024 ** 3,
      userQuotaBytes: 1024 ** 3,
      archiveDays: 30,
    });
    const { episodes, uploads, clips, archive } = fleet.body.usage;
    // Other suites share the database: the fleet holds at least this user's bytes, and adds up.
    expect(episodes).toBeGreaterThanOrEqual(4096);
    expect(uploads).toBeGreaterThanOrEqual(1000);
    expect(clips).toBeGreaterThanOrEqual(500);
    expect(fleet.body.usedBytes).toBe(episodes + uploads + clips + archive);
    expect(fleet.body.remainingBytes).toBe(10 * 1024 ** 3 - fleet.body.usedBytes);
  });
});

describe('storage quota refusals', () => {
  it('413 past the user quota, 507 past the fleet quota, each naming the quota and its figures', async () => {
    const { user } = await t.createUser();
    await makeEpisode(t.db, t.storage, user.id); // 4096 bytes
    const settings = { userStorageQuotaBytes: 5000, fleetStorageQuotaBytes: 0 };
    await expect(
      assertStorageRoom(t.db, settings, { userId: user.id, incomingBytes: 904 }),
    ).resolves.toBeUndefined();

    const userRefusal = await assertStorageRoom(t.db, settings, {
      userId: user.id,
      incomingBytes: 905,
    }).catch((err: unknown) => err);
    expect(userRefusal).toBeInstanceOf(HttpProblem);
    expect(userRefusal).toMatchObject({
      status: 413,
      type: 'urn:podfleet:problem:storage-quota-exceeded',
      extra: { quota: 'user', usedBytes: 4096, limitBytes: 5000, incomingBytes: 905 },
    });
    expect((userRefusal as HttpProblem).detail).toContain('4096 of 5000 bytes used, 905 more');

    // The user has room; the fleet (a 4 KB quota, already full with this user's episode) has not.
    const tiny = { userStorageQuotaBytes: 0, fleetStorageQuotaBytes: 4096 };
    const fleetRefusal = await assertStorageRoom(t.db, tiny, { userId: user.id, incomingBytes: 10 }).catch(
      (err: unknown) => err,
    );
    expect(fleetRefusal).toMatchObject({
      status: 507,
      type: 'urn:podfleet:problem:fleet-storage-full',
      extra: { quota: 'fleet', limitBytes: 4096, incomingBytes: 10 },
    });
    const used = (fleetRefusal as HttpProblem).extra.usedBytes as number;
    expect(used).toBeGreaterThanOrEqual(4096);
    expect((fleetRefusal as HttpProblem).detail).toContain(
      `STORAGE_QUOTA_BYTES) is full: ${used} of 4096 bytes used`,
    );
  });
});

describe('episode submit and the fleet quota', () => {
  it('507 once the fleet quota is used up, naming its figures, and no job', async () => {
    // Other suites' bytes share this database: a quota this user's own episode alone fills.
    const full = await startTestApi(testEnv(process.env, 'storage-fleet'), {
      settings: { fleetStorageQuotaBytes: 4096 },
    });
    try {
      const { user, key } = await full.createUser();
      await makeEpisode(full.db, full.storage, user.id); // 4096 bytes
      const jobsBefore = await full.db.job.count({ where: { userId: user.id } });
      const res = await request(full.app)
        .post('/v1/episodes')
        .set(bearer(key))
        .send({
          type: 'custom',
          sources: [{ kind: 'text', title: 'Canals', text: 'The Erie Canal opened in 1825.' }],
        })
        .expect(507);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({
        type: 'urn:podfleet:problem:fleet-storage-full',
        quota: 'fleet',
        limitBytes: 4096,
      });
      expect(res.body.usedBytes).toBeGreaterThanOrEqual(4096);
      expect(res.body.detail).toContain(`${res.body.usedBytes} of 4096 bytes used; try again`);
      expect(await full.db.job.count({ where: { userId: user.id } })).toBe(jobsBefore);
    } finally {
      await full.close();
    }
  });
});

describe('quotas on clips and uploads', () => {
  /** A minute of timed, speakable transcript: windows of 12–60 s fit. */
  const minute = Array.from({ length: 20 }, (_, i) => ({
    speaker: i % 2 === 0 ? 'Maya' : 'Theo',
    text:
      i % 4 === 0 ? `Why does point ${i} matter so much?` : `Point ${i} matters because the budget grows.`,
    start: i * 3,
    end: i * 3 + 2.8,
  }));

  it('413 for a clips request the user quota cannot hold, naming its figures, and no job', async () => {
    const { user, key } = await t.createUser();
    const { episode } = await makeEpisode(t.db, t.storage, user.id); // 4096 bytes
    await t.db.episode.update({ where: { id: episode.id }, data: { transcript: minute, durationSec: 60 } });
    await t.db.user.update({ where: { id: user.id }, data: { storageQuotaBytes: 100_000n } });
    const res = await request(t.app)
      .post(`/v1/episodes/${episode.id}/clips`)
      .set(bearer(key))
      .send({ platform: 'generic', count: 2, minSec: 12, maxSec: 20, formats: ['mp3', 'mp4'] })
      .expect(413);
    // At most 2 clips × 20 s × (16 + 100) kB/s.
    expect(res.body).toMatchObject({
      quota: 'user',
      usedBytes: 4096,
      limitBytes: 100_000,
      incomingBytes: 4_640_000,
    });
    expect(await t.db.job.count({ where: { userId: user.id, type: 'clips' } })).toBe(0);
  });

  it('507 for an upload once the fleet quota is used up, before a byte is stored', async () => {
    const full = await startTestApi(testEnv(process.env, 'storage-upload'), {
      settings: { fleetStorageQuotaBytes: 4096 },
    });
    try {
      const { user, key } = await full.createUser();
      await makeEpisode(full.db, full.storage, user.id); // 4096 bytes: the fleet is full
      const before = await full.storage.list('jobs/');
      const res = await request(full.app)
        .post('/v1/uploads')
        .set(bearer(key))
        .field('title', 'Interview')
        .attach('audio', Buffer.alloc(2048, 1), 'interview.mp3')
        .expect(507);
      expect(res.body).toMatchObject({ quota: 'fleet', limitBytes: 4096 });
      expect(await full.storage.list('jobs/')).toEqual(before);
      expect(await full.db.job.count({ where: { userId: user.id, type: 'upload' } })).toBe(0);
    } finally {
      await full.close();
    }
  });
});

describe('archive and restore', () => {
  it('an expired episode leaves the list, the feed and GET; the admin restores it playable once, within ARCHIVE_DAYS', async () => {
    const { user, key } = await t.createUser();
    const { episode, audio } = await makeEpisode(t.db, t.storage, user.id, {
      expiresAt: new Date(now.getTime() + 60_000),
      title: 'Soon archived',
    });
    const feedPath = `/v1/feeds/${user.feedToken}.xml`;
    const listed = async () =>
      (await request(t.app).get('/v1/episodes').set(bearer(key)).expect(200)).body.items.map(
        (e: { id: string }) => e.id,
      );
    expect(await listed()).toEqual([episode.id]);
    expect((await request(t.app).get(feedPath).expect(200)).text).toContain('Soon archived');

    // A day later the cleanup archives it: the audio moves under archive/.
    const archivedAt = new Date(now.getTime() + DAY);
    await archive([episode.audioKey], { episodeId: episode.id }, archivedAt);
    expect(await t.storage.head(episode.audioKey)).toBeNull();
    expect(await t.storage.getBuffer(`archive/${episode.audioKey}`)).toEqual(audio);
    const listedArchive = await request(t.app)
      .get(`/v1/admin/archive?userId=${user.id}`)
      .set(admin)
      .expect(200);
    expect(listedArchive.body).toEqual({
      episodes: [
        {
          id: episode.id,
          userId: user.id,
          type: 'custom',
          title: 'Soon archived',
          sizeBytes: audio.length,
          archivedAt: archivedAt.toISOString(),
          restorableUntil: new Date(archivedAt.getTime() + 30 * DAY).toISOString(),
        },
      ],
      clips: [],
    });
    // Still before its expiresAt by the clock: only archivedAt keeps it out.
    expect(await listed()).toEqual([]);
    expect((await request(t.app).get(feedPath).expect(200)).text).not.toContain('Soon archived');
    now = new Date(archivedAt.getTime() + 60_000);
    await request(t.app).get(`/v1/episodes/${episode.id}`).set(bearer(key)).expect(404);
    const mine = await request(t.app).get('/v1/storage/stats').set(bearer(key)).expect(200);
    expect(mine.body).toMatchObject({ usedBytes: 0, usage: { episodes: 0 } });

    // The admin restores it: listed, in the feed and playable again, expiring per retention.
    await request(t.app).post(`/v1/admin/episodes/${episode.id}/restore`).set(bearer(key)).expect(403);
    const restored = await request(t.app)
      .post(`/v1/admin/episodes/${episode.id}/restore`)
      .set(admin)
      .expect(200);
    expect(restored.body).toMatchObject({
      id: episode.id,
      expiresAt: new Date(now.getTime() + t.api.pipeline.retentionDays * DAY).toISOString(),
    });
    const played = await request(t.app)
      .get(new URL(restored.body.audioUrl).pathname + new URL(restored.body.audioUrl).search)
      .buffer(true)
      .parse((res, cb) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => cb(null, Buffer.concat(chunks)));
      })
      .expect(200);
    expect(played.body).toEqual(audio);
    expect(await listed()).toEqual([episode.id]);
    expect((await request(t.app).get(feedPath).expect(200)).text).toContain('Soon archived');
    expect(await t.storage.list(`archive/jobs/${episode.jobId}/`)).toEqual([]);

    const again = await request(t.app)
      .post(`/v1/admin/episodes/${episode.id}/restore`)
      .set(admin)
      .expect(409);
    expect(again.body.type).toBe('urn:podfleet:problem:not-archived');
    await request(t.app)
      .post('/v1/admin/episodes/01a21000-0000-7000-8000-000000000000/restore')
      .set(admin)
      .expect(404);

    // Archived again, then asked for after ARCHIVE_DAYS: 410, and the archive copy stays for the
    // cleanup to delete.
    const secondArchive = new Date(now.getTime() + 40 * DAY);
    await archive([episode.audioKey], { episodeId: episode.id }, secondArchive);
    now = new Date(secondArchive.getTime() + 31 * DAY);
    const late = await request(t.app).post(`/v1/admin/episodes/${episode.id}/restore`).set(admin).expect(410);
    expect(late.body).toMatchObject({ type: 'urn:podfleet:problem:archive-expired' });
    expect(late.body.detail).toContain('ARCHIVE_DAYS');
    expect(await t.storage.head(episode.audioKey)).toBeNull();
    expect(await t.storage.getBuffer(archiveKeyOf(episode.audioKey))).toEqual(audio);
  });

  it('the admin restores an archived clip: its media back, expiring per retention', async () => {
    const { user } = await t.createUser();
    const { episode } = await makeEpisode(t.db, t.storage, user.id);
    const clip = await makeClip(episode, 321, new Date(now.getTime() + 60_000));
    const clipKey = clip.mp3Key as string;
    await archive([clipKey], { clipId: clip.id }, new Date(now.getTime() + DAY));
    now = new Date(now.getTime() + 2 * DAY);
    const res = await request(t.app).post(`/v1/admin/clips/${clip.id}/restore`).set(admin).expect(200);
    expect(res.body).toEqual({
      id: clip.id,
      episodeId: episode.id,
      userId: user.id,
      expiresAt: new Date(now.getTime() + t.api.pipeline.retentionDays * DAY).toISOString(),
    });
    expect(await t.storage.getBuffer(clipKey)).toEqual(Buffer.alloc(321, 7));
    await request(t.app).post(`/v1/admin/clips/${clip.id}/restore`).set(admin).expect(409);
  });
});

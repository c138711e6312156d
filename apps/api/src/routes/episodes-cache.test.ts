import { Writable } from 'node:stream';
import { cacheRedisKey, readCacheCounters, writeEpisodeCache } from '@podfleet/pregeneration';
import { QUEUE_NAMES, stageJobId } from '@podfleet/queue';
import { waitFor } from '@podfleet/test-kit';
import request from 'supertest';
import { makeEpisode } from '../../test/fixtures';
import { bearer, startTestApi, type TestApi, testEnv } from '../../test/harness';

// 00:30 on Friday 27 November 2026 in Tokyo (ISO week 48): the users below live there.
const NOW = new Date('2026-11-26T15:30:00Z');
const TODAY = '2026-11-27';
const END_OF_TOKYO_DAY = new Date('2026-11-27T15:00:00Z');

const env = testEnv(process.env, 'cache');
let t: TestApi;
beforeAll(async () => {
  t = await startTestApi(env, { clock: () => NOW });
});
afterAll(() => t.close());

const sources = [{ kind: 'text', title: 'Canal news', text: 'The Erie Canal opened in 1825.' }];
const tokyoUser = () => t.createUser({ timezone: 'Asia/Tokyo', sources });
const daily = (extra: object = {}) => ({ type: 'daily', ...extra });

/** Every BullMQ job of the app's queues, whatever its state. */
async function bullJobs(api: TestApi = t): Promise<number> {
  const counts = await Promise.all(QUEUE_NAMES.map((q) => api.api.pipeline.queues[q].getJobCounts()));
  return counts.reduce((sum, c) => sum + Object.values(c).reduce((a, b) => a + b, 0), 0);
}

const counters = (api: TestApi = t) => readCacheCounters(api.redis, api.settings.prefix);

describe('POST /v1/episodes answered from the episode cache', () => {
  it('counts no cache answer for a request refused by the rate limit (the lookup runs alongside it)', async () => {
    const limited = await startTestApi(testEnv(process.env, 'cache-rate'), {
      clock: () => NOW,
      settings: { userRequestsPerMinute: 2 },
    });
    try {
      const { user, key } = await limited.createUser({ timezone: 'Asia/Tokyo', sources });
      const { episode } = await makeEpisode(limited.db, limited.storage, user.id, {
        type: 'daily',
        localDate: TODAY,
      });
      expect(await writeEpisodeCache(limited.api.pipeline, episode, NOW)).toBe(true);
      const before = await counters(limited);
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++) {
        statuses.push(
          (await request(limited.app).post('/v1/episodes').set(bearer(key)).send(daily())).status,
        );
      }
      expect(statuses).toEqual([200, 200, 429]);
      expect(await counters(limited)).toMatchObject({ hits: before.hits + 2, misses: before.misses });
    } finally {
      await limited.close();
    }
  });

  it("answers today's daily episode with 200, its signed audio URL and no job or BullMQ job", async () => {
    const { user, key } = await tokyoUser();
    const { episode, audio } = await makeEpisode(t.db, t.storage, user.id, {
      type: 'daily',
      localDate: TODAY,
    });
    expect(await writeEpisodeCache(t.api.pipeline, episode, NOW)).toBe(true);
    const jobsBefore = await t.db.job.count();
    const bullBefore = await bullJobs();
    const before = await counters();

    const res = await request(t.app).post('/v1/episodes').set(bearer(key)).send(daily()).expect(200);
    expect(res.headers['x-podfleet-cache']).toBe('hit');
    expect(res.body).toMatchObject({
      cached: true,
      source: 'cache',
      episode: {
        id: episode.id,
        jobId: episode.jobId,
        type: 'daily',
        durationSec: 3727.004,
        sizeBytes: audio.length,
        transcriptUrl: expect.stringMatching(new RegExp(`/v1/episodes/${episode.id}/transcript$`)),
      },
    });
    expect(res.body.episode.audioUrl).toMatch(new RegExp(`/v1/episodes/${episode.id}/audio\\?exp=\\d+&sig=`));
    expect(await t.db.job.count()).toBe(jobsBefore);
    expect(await bullJobs()).toBe(bullBefore);
    expect(await counters()).toMatchObject({ hits: before.hits + 1, misses: before.misses });

    // The audio URL plays without an Authorization header.
    const audioUrl = new URL(res.body.episode.audioUrl);
    const mp3 = await request(t.app).get(`${audioUrl.pathname}${audioUrl.search}`).buffer(true).expect(200);
    expect(Buffer.compare(mp3.body as Buffer, audio)).toBe(0);
  });

  it("answers this ISO week's weekly episode the same way", async () => {
    const { user, key } = await tokyoUser();
    const { episode } = await makeEpisode(t.db, t.storage, user.id, {
      type: 'weekly',
      localDate: '2026-W48',
    });
    await writeEpisodeCache(t.api.pipeline, episode, NOW);
    const res = await request(t.app)
      .post('/v1/episodes')
      .set(bearer(key))
      .send({ type: 'weekly' })
      .expect(200);
    expect(res.body.episode).toMatchObject({ id: episode.id, type: 'weekly' });
    // Yesterday's (Tokyo) daily is no answer for today.
    await makeEpisode(t.db, t.storage, user.id, { type: 'daily', localDate: '2026-11-26' });
    await request(t.app).post('/v1/episodes').set(bearer(key)).send(daily()).expect(202);
  });

  it('falls back to the database when the Redis key is gone, and warms the key again', async () => {
    const { user, key } = await tokyoUser();
    const { episode } = await makeEpisode(t.db, t.storage, user.id, { type: 'daily', localDate: TODAY });
    const redisKey = cacheRedisKey(t.settings.prefix, user.id, 'daily', TODAY);
    await writeEpisodeCache(t.api.pipeline, episode, NOW);
    await t.redis.del(redisKey);
    const before = await counters();

    const res = await request(t.app).post('/v1/episodes').set(bearer(key)).send(daily()).expect(200);
    // CONTRACT: source stays "cache"; the header tells where it came from.
    expect(res.body).toMatchObject({ cached: true, source: 'cache', episode: { id: episode.id } });
    expect(res.headers['x-podfleet-cache']).toBe('fallback');
    const ttl = await t.redis.pttl(redisKey);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(END_OF_TOKYO_DAY.getTime() - NOW.getTime());

    const again = await request(t.app).post('/v1/episodes').set(bearer(key)).send(daily()).expect(200);
    expect(again.headers['x-podfleet-cache']).toBe('hit');
    expect(await counters()).toMatchObject({
      hits: before.hits + 1,
      fallbacks: before.fallbacks + 1,
      misses: before.misses,
    });
  });

  it('misses with 202 and a job for the day; the same request while it is in flight joins that job', async () => {
    const { user, key } = await tokyoUser();
    const before = await counters();
    const first = await request(t.app).post('/v1/episodes').set(bearer(key)).send(daily()).expect(202);
    expect(first.headers['x-podfleet-cache']).toBe('miss');
    expect(first.body).toMatchObject({ status: 'queued', deduplicated: false });
    const job = await t.db.job.findUniqueOrThrow({ where: { id: first.body.jobId } });
    expect(job).toMatchObject({
      userId: user.id,
      type: 'daily',
      cacheKey: `podcast:${user.id}:daily:${TODAY}`,
    });
    expect(await t.api.pipeline.queues.scrape.getJob(stageJobId(job.id, 1, 'scrape'))).toBeDefined();

    const second = await request(t.app).post('/v1/episodes').set(bearer(key)).send(daily()).expect(202);
    expect(second.body).toMatchObject({ jobId: first.body.jobId, deduplicated: true });
    expect(second.headers['idempotent-replayed']).toBeUndefined();
    expect(await t.db.job.count({ where: { userId: user.id } })).toBe(1);
    // One lookup, counted once, per request.
    expect(await counters()).toMatchObject({ misses: before.misses + 2, hits: before.hits });
  });

  it('forceRegenerate bypasses the cache: a new job even with a cached episode and one in flight', async () => {
    const { user, key } = await tokyoUser();
    const { episode } = await makeEpisode(t.db, t.storage, user.id, { type: 'daily', localDate: TODAY });
    await writeEpisodeCache(t.api.pipeline, episode, NOW);
    const before = await counters();
    const forced = await request(t.app)
      .post('/v1/episodes')
      .set(bearer(key))
      .send(daily({ forceRegenerate: true }))
      .expect(202);
    expect(forced.headers['x-podfleet-cache']).toBe('bypass');
    expect(forced.body.deduplicated).toBe(false);
    const again = await request(t.app)
      .post('/v1/episodes')
      .set(bearer(key))
      .send(daily({ forceRegenerate: true }))
      .expect(202);
    expect(again.body.jobId).not.toBe(forced.body.jobId);
    const jobs = await t.db.job.findMany({ where: { userId: user.id, id: { not: episode.jobId } } });
    expect(jobs.map((j) => j.id).sort()).toEqual([forced.body.jobId, again.body.jobId].sort());
    expect(await counters()).toEqual(before); // not a lookup
    // Until a forced job publishes, the cached episode still answers plain requests.
    const plain = await request(t.app).post('/v1/episodes').set(bearer(key)).send(daily()).expect(200);
    expect(plain.body.episode.id).toBe(episode.id);
  });

  it('a timezone change through PATCH /v1/me moves "today" at once (the key cache holds the zone)', async () => {
    const { user, key } = await tokyoUser();
    const { episode } = await makeEpisode(t.db, t.storage, user.id, { type: 'daily', localDate: TODAY });
    await writeEpisodeCache(t.api.pipeline, episode, NOW);
    await request(t.app).post('/v1/episodes').set(bearer(key)).send(daily()).expect(200);
    // 15:30 UTC on the 26th: in UTC today's episode is not made yet.
    await request(t.app).patch('/v1/me').set(bearer(key)).send({ timezone: 'UTC' }).expect(200);
    const res = await request(t.app).post('/v1/episodes').set(bearer(key)).send(daily()).expect(202);
    const job = await t.db.job.findUniqueOrThrow({ where: { id: res.body.jobId } });
    expect(job.cacheKey).toBe(`podcast:${user.id}:daily:2026-11-26`);
  });

  it('custom requests never look in the cache', async () => {
    const { key } = await tokyoUser();
    const before = await counters();
    const res = await request(t.app)
      .post('/v1/episodes')
      .set(bearer(key))
      .send({ type: 'custom', sources })
      .expect(202);
    expect(res.headers['x-podfleet-cache']).toBeUndefined();
    expect(await counters()).toEqual(before);
  });
});

describe('gates before generating', () => {
  it('over the storage quota: 409 problem naming both figures, and no job', async () => {
    const quota = 4096;
    const limited = await startTestApi(testEnv(process.env, 'cache-quota'), {
      clock: () => NOW,
      settings: { userStorageQuotaBytes: quota },
    });
    try {
      const { user, key } = await limited.createUser({ timezone: 'Asia/Tokyo', sources });
      await makeEpisode(limited.db, limited.storage, user.id); // 4096 bytes: the quota is used up
      const jobsBefore = await limited.db.job.count({ where: { userId: user.id } });
      for (const body of [daily(), { type: 'custom', sources }]) {
        const res = await request(limited.app).post('/v1/episodes').set(bearer(key)).send(body).expect(409);
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(res.body).toMatchObject({
          type: 'urn:podfleet:problem:quota-exceeded',
          status: 409,
          usedBytes: quota,
          quotaBytes: quota,
        });
        expect(res.body.detail).toContain(`${quota} bytes of your ${quota}-byte storage quota`);
      }
      expect(await limited.db.job.count({ where: { userId: user.id } })).toBe(jobsBefore);

      // The user's own limit (User.storageQuotaBytes) overrides the default.
      await limited.db.user.update({ where: { id: user.id }, data: { storageQuotaBytes: 10 * quota } });
      await request(limited.app).post('/v1/episodes').set(bearer(key)).send(daily()).expect(202);
    } finally {
      await limited.close();
    }
  });

  it('a cache hit passes gates a miss must pass: full quota, full queue', async () => {
    const gated = await startTestApi(testEnv(process.env, 'cache-gated'), {
      clock: () => NOW,
      settings: { userStorageQuotaBytes: 1, maxQueueSize: 1 },
    });
    try {
      const { user, key } = await gated.createUser({ timezone: 'Asia/Tokyo', sources });
      const { episode } = await makeEpisode(gated.db, gated.storage, user.id, {
        type: 'daily',
        localDate: TODAY,
      });
      await writeEpisodeCache(gated.api.pipeline, episode, NOW);
      const hit = await request(gated.app).post('/v1/episodes').set(bearer(key)).send(daily()).expect(200);
      expect(hit.body.episode.id).toBe(episode.id);
      await request(gated.app)
        .post('/v1/episodes')
        .set(bearer(key))
        .send(daily({ forceRegenerate: true }))
        .expect(409);

      // Under quota again, the full queue still stops a miss (503) but not a hit.
      await gated.db.user.update({ where: { id: user.id }, data: { storageQuotaBytes: 0 } }); // 0: unlimited
      await request(gated.app)
        .post('/v1/episodes')
        .set(bearer(key))
        .send({ type: 'custom', sources })
        .expect(202);
      const full = await request(gated.app)
        .post('/v1/episodes')
        .set(bearer(key))
        .send(daily({ forceRegenerate: true }))
        .expect(503);
      expect(full.body.type).toBe('urn:podfleet:problem:queue-full');
      await request(gated.app).post('/v1/episodes').set(bearer(key)).send(daily()).expect(200);
      expect(await bullJobs(gated)).toBeGreaterThan(0);
    } finally {
      await gated.close();
    }
  });
});

describe('how each request was answered', () => {
  it('is one podcast_delivery log line at once and one episode_requests row soon after', async () => {
    const lines: Array<Record<string, unknown>> = [];
    const destination = new Writable({
      write(chunk, _encoding, done) {
        for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
        done();
      },
    });
    const logged = await startTestApi(testEnv(process.env, 'cache-deliveries'), {
      clock: () => NOW,
      logDestination: destination,
    });
    try {
      const asker = await logged.createUser({ timezone: 'Asia/Tokyo', sources });
      const cached = await logged.createUser({ timezone: 'Asia/Tokyo', sources });
      await makeEpisode(logged.db, logged.storage, cached.user.id, { type: 'daily', localDate: TODAY });
      const post = (key: string, body: object, headers: Record<string, string> = {}) =>
        request(logged.app).post('/v1/episodes').set(bearer(key)).set(headers).send(body);

      const made = await post(asker.key, daily()).expect(202); // a new job
      await post(asker.key, daily()).expect(202); // joins it
      const hit = await post(cached.key, daily()).expect(200); // today's episode
      const custom = { type: 'custom', sources };
      const first = await post(asker.key, custom, { 'Idempotency-Key': 'once' }).expect(202);
      await post(asker.key, custom, { 'Idempotency-Key': 'once' }).expect(202); // the first answer again

      const deliveries = lines.filter((l) => l.msg === 'podcast_delivery');
      expect(deliveries.map((l) => [l.userId, l.kind, l.source, l.jobId ?? l.episodeId])).toEqual([
        [asker.user.id, 'daily', 'generated', made.body.jobId],
        [asker.user.id, 'daily', 'joined', made.body.jobId],
        [cached.user.id, 'daily', 'cache', hit.body.episode.id],
        [asker.user.id, 'custom', 'generated', first.body.jobId],
        [asker.user.id, 'custom', 'joined', first.body.jobId],
      ]);
      for (const line of deliveries) expect(line.latencyMs).toEqual(expect.any(Number));

      const rows = await waitFor(
        async () => {
          const found = await logged.db.episodeRequest.findMany({
            where: { userId: { in: [asker.user.id, cached.user.id] } },
          });
          return found.length === 5 ? found : undefined;
        },
        { what: 'the five requests recorded' },
      );
      // (A batch's rows carry no order of their own: compare them sorted.)
      const sorted = (tuples: unknown[][]) => tuples.map((x) => JSON.stringify(x)).sort();
      expect(sorted(rows.map((r) => [r.type, r.source, r.jobId ?? r.episodeId]))).toEqual(
        sorted(deliveries.map((l) => [l.kind, l.source, l.jobId ?? l.episodeId])),
      );
      expect(rows.every((r) => r.requestedAt.getTime() === NOW.getTime())).toBe(true);
    } finally {
      await logged.close();
    }
  });
});

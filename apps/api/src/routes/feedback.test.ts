// POST/GET /v1/feedback, its limits, the feedback figures of GET /v1/stats, and feedback given
// through the API changing a later clip ranking. The app's clock is pinned years ahead, so the
// stats window holds only the rows this file dates into it.
import { FEATURES, type Platform, selectClips } from '@podfleet/clips';
import { CLAIM_THEN_QUESTION } from '@podfleet/clips/testing';
import type { Episode, User } from '@podfleet/db';
import { learnedClipWeights } from '@podfleet/pipeline';
import request from 'supertest';
import { makeEpisode } from '../../test/fixtures';
import { ADMIN_KEY, bearer, startTestApi, type TestApi, testEnv } from '../../test/harness';

const NOW = new Date('2031-05-05T12:00:00Z');
const PER_MINUTE = 8;

let t: TestApi;
beforeAll(async () => {
  t = await startTestApi(testEnv(process.env, 'feedback'), {
    clock: () => NOW,
    settings: { userFeedbackPerMinute: PER_MINUTE },
  });
});
afterAll(() => t.close());

/** Clip.features as a clips job stores them: the explanation of the selection. */
function explanation(kind: 'question' | 'number' | 'claim' | null, values: number[]) {
  return {
    hook: { kind, value: kind ? 1 : 0, weight: kind ? 1 : 0, contribution: kind ? 1 : 0 },
    ...Object.fromEntries(
      FEATURES.map((name, i) => [name, { value: values[i], weight: 1, contribution: values[i] }]),
    ),
  };
}

async function userWithEpisode(): Promise<{ user: User; key: string; episode: Episode }> {
  const { user, key } = await t.createUser();
  const { episode } = await makeEpisode(t.db, t.storage, user.id);
  return { user, key, episode };
}

let clipStart = 0;
const makeClip = (owner: { user: User; episode: Episode }, platform: Platform, features: object) => {
  clipStart += 30;
  return t.db.clip.create({
    data: {
      userId: owner.user.id,
      episodeId: owner.episode.id,
      jobId: owner.episode.jobId,
      platform,
      startSec: clipStart,
      endSec: clipStart + 20,
      durationSec: 20,
      score: 0.6,
      confidence: 'medium',
      title: 'A clip',
      text: 'A clip.',
      features,
    },
  });
};

const post = (key: string, body: object) => request(t.app).post('/v1/feedback').set(bearer(key)).send(body);

describe('POST /v1/feedback and GET /v1/feedback', () => {
  it('stores feedback on an episode and on a clip (its episode and platform filled in), and lists the caller’s own', async () => {
    const a = await userWithEpisode();
    const clip = await makeClip(a, 'tiktok', explanation('question', [1, 1, 1, 1, 1]));

    const liked = await post(a.key, { episodeId: a.episode.id, type: 'like' }).expect(201);
    expect(liked.body).toEqual({
      id: expect.any(String),
      type: 'like',
      episodeId: a.episode.id,
      clipId: null,
      platform: null,
      rating: null,
      comment: null,
      createdAt: expect.any(String),
    });
    const rated = await post(a.key, { clipId: clip.id, type: 'rating', rating: 4 }).expect(201);
    expect(rated.body).toMatchObject({
      type: 'rating',
      rating: 4,
      clipId: clip.id,
      episodeId: a.episode.id,
      platform: 'tiktok',
    });
    await post(a.key, {
      clipId: clip.id,
      episodeId: a.episode.id,
      type: 'comment',
      comment: 'Great hook',
    }).expect(201);
    const report = await post(a.key, {
      episodeId: a.episode.id,
      type: 'report',
      comment: 'a wrong date',
    }).expect(201);
    expect(report.body).toMatchObject({ type: 'report', comment: 'a wrong date' });
    expect(await t.db.feedback.count({ where: { userId: a.user.id } })).toBe(4);

    const list = (query: string) => request(t.app).get(`/v1/feedback${query}`).set(bearer(a.key)).expect(200);
    const all = await list('');
    expect(all.body.items.map((f: { type: string }) => f.type)).toEqual([
      'report',
      'comment',
      'rating',
      'like',
    ]);
    expect(all.body.nextCursor).toBeNull();
    expect((await list(`?clipId=${clip.id}`)).body.items.map((f: { type: string }) => f.type)).toEqual([
      'comment',
      'rating',
    ]);
    expect((await list(`?episodeId=${a.episode.id}`)).body.items).toHaveLength(4);
    const first = await list('?limit=3');
    expect(first.body.items).toHaveLength(3);
    const rest = await list(`?limit=3&cursor=${first.body.nextCursor}`);
    expect(rest.body.items.map((f: { id: string }) => f.id)).toEqual([liked.body.id]);
    expect(rest.body.nextCursor).toBeNull();

    const b = await userWithEpisode();
    const theirs = await request(t.app).get('/v1/feedback').set(bearer(b.key)).expect(200);
    expect(theirs.body).toEqual({ items: [], nextCursor: null });
    const filtered = await request(t.app)
      .get(`/v1/feedback?episodeId=${a.episode.id}`)
      .set(bearer(b.key))
      .expect(200);
    expect(filtered.body.items).toEqual([]);
  });

  it('answers 404 for another user’s episode or clip, 422 for a clip of another episode, and needs a user key', async () => {
    const a = await userWithEpisode();
    const b = await userWithEpisode();
    const theirClip = await makeClip(b, 'reels', explanation(null, [1, 1, 1, 1, 1]));
    for (const body of [
      { episodeId: b.episode.id, type: 'like' },
      { clipId: theirClip.id, type: 'like' },
      { clipId: theirClip.id, episodeId: a.episode.id, type: 'like' },
      { episodeId: 'no-such-episode', type: 'like' },
    ]) {
      const res = await post(a.key, body).expect(404);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
    const second = await makeEpisode(t.db, t.storage, a.user.id);
    const clipOfFirst = await makeClip(a, 'reels', explanation(null, [1, 1, 1, 1, 1]));
    const mismatch = await post(a.key, {
      clipId: clipOfFirst.id,
      episodeId: second.episode.id,
      type: 'like',
    }).expect(422);
    expect(mismatch.body.errors).toEqual([expect.objectContaining({ path: 'episodeId' })]);
    expect(await t.db.feedback.count({ where: { userId: a.user.id } })).toBe(0);

    await request(t.app).post('/v1/feedback').send({ episodeId: a.episode.id, type: 'like' }).expect(401);
    await request(t.app)
      .post('/v1/feedback')
      .set(bearer(ADMIN_KEY))
      .send({ episodeId: a.episode.id, type: 'like' })
      .expect(403);
    await request(t.app).get('/v1/feedback').set(bearer(ADMIN_KEY)).expect(403);
  });

  it('refuses an invalid body with a 422 naming the field, and an invalid query with a 400', async () => {
    const { key, episode } = await userWithEpisode();
    const episodeId = episode.id;
    const refused: Array<[object, string]> = [
      [{ type: 'like' }, 'episodeId'],
      [{ episodeId, type: 'rating' }, 'rating'],
      [{ episodeId, type: 'like', rating: 5 }, 'rating'],
      [{ episodeId, type: 'rating', rating: 6 }, 'rating'],
      [{ episodeId, type: 'rating', rating: 0 }, 'rating'],
      [{ episodeId, type: 'rating', rating: 2.5 }, 'rating'],
      [{ episodeId, type: 'comment' }, 'comment'],
      [{ episodeId, type: 'comment', comment: '   ' }, 'comment'],
      [{ episodeId, type: 'comment', comment: 'x'.repeat(2001) }, 'comment'],
      [{ episodeId, type: 'love' }, 'type'],
      [{ episodeId, type: 'like', stars: 3 }, '(root)'],
      [{ episodeId: '', type: 'like' }, 'episodeId'],
    ];
    for (const [body, path] of refused) {
      const res = await post(key, body);
      expect({ body, status: res.status }).toEqual({ body, status: 422 });
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path);
    }
    await post(key, { episodeId, type: 'comment', comment: 'x'.repeat(2000) }).expect(201);
    await request(t.app)
      .post('/v1/feedback')
      .set(bearer(key))
      .set('Content-Type', 'application/json')
      .send('{"type":')
      .expect(400);
    for (const query of ['?limit=0', '?limit=101', '?cursor=not-a-cursor', `?episodeId=${'x'.repeat(65)}`])
      await request(t.app).get(`/v1/feedback${query}`).set(bearer(key)).expect(400);
  });

  it('caps feedback per user per minute (429 with Retry-After), counting only valid bodies', async () => {
    const a = await userWithEpisode();
    const b = await userWithEpisode();
    await post(a.key, { episodeId: a.episode.id, type: 'rating' }).expect(422);
    const statuses: number[] = [];
    for (let i = 0; i <= PER_MINUTE; i++)
      statuses.push((await post(a.key, { episodeId: a.episode.id, type: 'like' })).status);
    expect(statuses).toEqual([...Array(PER_MINUTE).fill(201), 429]);
    const res = await post(a.key, { episodeId: a.episode.id, type: 'like' }).expect(429);
    expect(res.body).toMatchObject({ status: 429, type: 'urn:podfleet:problem:rate-limited' });
    expect(res.body.detail).toMatch(`at most ${PER_MINUTE} pieces of feedback per minute`);
    const retryAfter = Number(res.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(res.headers['ratelimit-remaining']).toBe('0');
    expect(await t.db.feedback.count({ where: { userId: a.user.id } })).toBe(PER_MINUTE);
    await post(b.key, { episodeId: b.episode.id, type: 'like' }).expect(201);
  });
});

describe('feedback changes a later ranking', () => {
  const rank = (weights?: Parameters<typeof selectClips>[0]['weights']) =>
    selectClips({ ...CLAIM_THEN_QUESTION, ...(weights ? { weights } : {}) });

  it('after likes of question-led clips through the API, a question-led window ranks first for that user on that platform', async () => {
    const before = rank();
    expect(before[0]?.features.hook.kind).toBe('claim');
    const questionLed = before.find((c) => c.features.hook.kind === 'question')!;

    const a = await userWithEpisode();
    const b = await userWithEpisode();
    for (let i = 0; i < 6; i++) {
      const clip = await makeClip(a, 'reels', questionLed.features);
      await post(a.key, {
        clipId: clip.id,
        type: i % 2 ? 'like' : 'rating',
        rating: i % 2 ? undefined : 5,
      }).expect(201);
    }
    expect(rank(await learnedClipWeights(t.db, a.user.id, 'reels'))[0]?.features.hook.kind).toBe('question');
    expect(rank(await learnedClipWeights(t.db, a.user.id, 'tiktok'))).toEqual(before);
    expect(rank(await learnedClipWeights(t.db, b.user.id, 'reels'))).toEqual(before);
  });
});

describe('GET /v1/stats: feedback', () => {
  const at = (iso: string) => new Date(iso);
  const counts = (
    c: Partial<{ likes: number; dislikes: number; reports: number; comments: number }>,
    ratings: [number, number | null] = [0, null],
  ) => ({
    likes: 0,
    dislikes: 0,
    reports: 0,
    comments: 0,
    ...c,
    ratings: { count: ratings[0], average: ratings[1] },
  });

  it('adds up ratings, likes and dislikes overall, on episodes, per clip platform and per clip feature, within the days asked', async () => {
    const u = await userWithEpisode();
    // values: completeThought, speakerTurns, energy, topic, lengthFit.
    const question = await makeClip(u, 'reels', explanation('question', [1, 1, 0.5, 0.2, 0.9]));
    const number = await makeClip(u, 'tiktok', explanation('number', [0, 0.4, 0.8, 1, 0.5]));
    const claim = await makeClip(u, 'reels', explanation('claim', [1, 1, 1, 1, 1]));
    const broken = await makeClip(u, 'shorts', { hook: 'question' });
    const inWindow = at('2031-05-05T10:00:00Z');
    const give = (
      clip: { id: string; platform: string } | null,
      type: string,
      extra: { rating?: number; comment?: string } = {},
      createdAt = inWindow,
    ) =>
      t.db.feedback.create({
        data: {
          userId: u.user.id,
          episodeId: u.episode.id,
          clipId: clip?.id ?? null,
          platform: clip?.platform ?? null,
          type,
          rating: extra.rating ?? null,
          comment: extra.comment ?? null,
          createdAt,
        },
      });
    await give(question, 'like');
    await give(question, 'like');
    await give(question, 'rating', { rating: 5 });
    await give(question, 'comment', { comment: 'more like this' });
    await give(number, 'dislike');
    await give(number, 'rating', { rating: 2 });
    await give(number, 'report', { comment: 'off topic' });
    await give(claim, 'like');
    await give(broken, 'like');
    await give(null, 'rating', { rating: 3 });
    await give(null, 'like');
    await give(question, 'like', {}, at('2031-04-01T10:00:00Z')); // before the 30 days
    // A deleted clip's feedback keeps its platform, and leaves the per-feature figures.
    await t.db.clip.delete({ where: { id: claim.id } });

    const res = await request(t.app).get('/v1/stats').set(bearer(ADMIN_KEY)).expect(200);
    const questionFigures = counts({ likes: 2, comments: 1 }, [1, 5]);
    const numberFigures = counts({ dislikes: 1, reports: 1 }, [1, 2]);
    expect(res.body.feedback).toEqual({
      since: '2031-04-06T00:00:00.000Z',
      all: counts({ likes: 5, dislikes: 1, reports: 1, comments: 1 }, [3, 3.33]),
      episodes: counts({ likes: 1 }, [1, 3]),
      platforms: {
        reels: counts({ likes: 3, comments: 1 }, [1, 5]),
        tiktok: numberFigures,
        shorts: counts({ likes: 1 }),
        x: counts({}),
        generic: counts({}),
      },
      features: {
        hookQuestion: questionFigures,
        hookNumber: numberFigures,
        hookClaim: counts({}),
        completeThought: questionFigures,
        speakerTurns: questionFigures,
        energy: numberFigures,
        topic: numberFigures,
        lengthFit: questionFigures,
      },
    });

    const longer = await request(t.app).get('/v1/stats?days=60').set(bearer(ADMIN_KEY)).expect(200);
    expect(longer.body.feedback.since).toBe('2031-03-07T00:00:00.000Z');
    expect(longer.body.feedback.all.likes).toBe(6);
    expect(longer.body.feedback.features.hookQuestion.likes).toBe(3);
  });
});

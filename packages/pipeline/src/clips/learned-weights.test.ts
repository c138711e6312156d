import { randomUUID } from 'node:crypto';
import {
  DEFAULT_WEIGHTS,
  feedbackSignal,
  learnWeights,
  type Platform,
  type SelectedClip,
  selectClips,
} from '@podfleet/clips';
import { CLAIM_THEN_QUESTION } from '@podfleet/clips/testing';
import { childEnv } from '@podfleet/config';
import { createJobWithStages, createPrismaClient, type PrismaClient } from '@podfleet/db';
import { learnedClipWeights } from './learned-weights';

let db: PrismaClient;
beforeAll(() => {
  db = createPrismaClient(childEnv().DATABASE_URL!, { maxConnections: 2 });
});
afterAll(() => db.$disconnect());

const rank = (weights?: Parameters<typeof selectClips>[0]['weights']) =>
  selectClips({ ...CLAIM_THEN_QUESTION, ...(weights ? { weights } : {}) });
const questionRank = (clips: SelectedClip[]) => clips.findIndex((c) => c.features.hook.kind === 'question');

async function userWithEpisode() {
  const user = await db.user.create({ data: { email: `${randomUUID()}@example.test` } });
  const job = await createJobWithStages(db, { userId: user.id, type: 'clips', request: {} });
  const episode = await db.episode.create({
    data: {
      jobId: job.id,
      userId: user.id,
      type: 'custom',
      title: 'Solar',
      description: 'Solar energy',
      audioKey: `jobs/${job.id}/episode.mp3`,
      sizeBytes: 1,
      durationSec: 60,
    },
  });
  /** A stored clip of this episode, `features` as a clips job writes them (the explanation). */
  const clip = (platform: Platform, features: unknown, startSec = 0) =>
    db.clip.create({
      data: {
        userId: user.id,
        episodeId: episode.id,
        jobId: job.id,
        platform,
        startSec,
        endSec: startSec + 20,
        durationSec: 20,
        score: 0.5,
        confidence: 'medium',
        title: 'A clip',
        text: 'A clip.',
        features: features as object,
      },
    });
  // Each piece of feedback a second after the one before: their order is never a tie.
  let at = Date.now();
  const feedback = (clipId: string, type: 'like' | 'dislike' | 'rating' | 'comment', rating?: number) => {
    at += 1000;
    return db.feedback.create({
      data: {
        userId: user.id,
        clipId,
        episodeId: episode.id,
        type,
        rating: rating ?? null,
        ...(type === 'comment' ? { comment: 'meh' } : {}),
        platform: 'reels',
        createdAt: new Date(at),
      },
    });
  };
  return { user, clip, feedback };
}

describe('learnedClipWeights', () => {
  test('after consistent likes of question-led clips, a question-led window ranks higher for that user and platform only', async () => {
    const before = rank();
    expect(before[0]?.features.hook.kind).toBe('claim');
    const questionLed = before.find((c) => c.features.hook.kind === 'question');
    expect(questionLed).toBeDefined();
    const claimLed = before[0]!;

    const a = await userWithEpisode();
    for (let i = 0; i < 6; i++) {
      const clip = await a.clip('reels', questionLed!.features, i * 30);
      await a.feedback(clip.id, 'like');
    }
    // Features that do not parse teach nothing, whatever the feedback says.
    const broken = await a.clip('reels', { hook: 'question' }, 500);
    await a.feedback(broken.id, 'dislike');
    // The same user's clips on another platform, disliked: they change only that platform.
    const onTiktok = await a.clip('tiktok', questionLed!.features, 600);
    await a.feedback(onTiktok.id, 'dislike');

    const learned = await learnedClipWeights(db, a.user.id, 'reels');
    expect(learned.hookQuestion).toBeGreaterThan(DEFAULT_WEIGHTS.hookQuestion);
    const after = rank(learned);
    expect(after[0]?.features.hook.kind).toBe('question');
    expect(questionRank(after)).toBeLessThan(questionRank(before));
    // The claim-led window now scores below the question-led one.
    expect(after.find((c) => c.startSec === claimLed.startSec)?.score ?? 0).toBeLessThan(after[0]!.score);

    // Another user, and the same user on another platform, rank as before.
    const b = await userWithEpisode();
    const otherUser = await learnedClipWeights(db, b.user.id, 'reels');
    expect(otherUser).toEqual(DEFAULT_WEIGHTS);
    expect(rank(otherUser)).toEqual(before);
    const tiktok = await learnedClipWeights(db, a.user.id, 'tiktok');
    expect(tiktok.hookQuestion).toBeLessThan(DEFAULT_WEIGHTS.hookQuestion);
    expect(await learnedClipWeights(db, a.user.id, 'shorts')).toEqual(DEFAULT_WEIGHTS);
  });

  test('each clip counts once, by its latest like, dislike or rating', async () => {
    const [top] = rank();
    const u = await userWithEpisode();
    const liked = await u.clip('reels', top!.features);
    for (let i = 0; i < 5; i++) await u.feedback(liked.id, 'like');
    const once = learnWeights([{ features: top!.measured, signal: 1 }]);
    expectWeightsClose(await learnedClipWeights(db, u.user.id, 'reels'), once);

    // A later rating of 1 replaces the likes; a comment or a report teaches nothing.
    await u.feedback(liked.id, 'rating', 1);
    await u.feedback(liked.id, 'comment');
    expectWeightsClose(
      await learnedClipWeights(db, u.user.id, 'reels'),
      learnWeights([{ features: top!.measured, signal: feedbackSignal('rating', 1) }]),
    );
  });
});

/** The stored explanation rounds values to 3 decimals. */
function expectWeightsClose(actual: object, expected: object) {
  for (const [name, weight] of Object.entries(expected))
    expect((actual as Record<string, number>)[name]).toBeCloseTo(weight as number, 2);
}

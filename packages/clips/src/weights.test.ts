import { clipRequestSchema, PLATFORM_PRESETS, PLATFORMS } from './presets';
import { selectClips } from './select';
import { CLAIM_THEN_QUESTION } from './testing';
import { DEFAULT_WEIGHTS, feedbackSignal, learnWeights, WEIGHT_RANGE } from './weights';

describe('feedback changes later rankings', () => {
  test('after consistent likes of question-led clips, question-led windows rank first for that user', () => {
    const before = selectClips(CLAIM_THEN_QUESTION);
    expect(before[0]?.features.hook.kind).toBe('claim');
    const questionLed = before.find((c) => c.features.hook.kind === 'question');
    expect(questionLed).toBeDefined();

    const liked = Array.from({ length: 6 }, () => ({
      features: questionLed!.measured,
      signal: feedbackSignal('like'),
    }));
    const weights = learnWeights(liked);
    expect(weights.hookQuestion).toBeGreaterThan(DEFAULT_WEIGHTS.hookQuestion);
    const after = selectClips({ ...CLAIM_THEN_QUESTION, weights });
    expect(after[0]?.features.hook.kind).toBe('question');
  });

  test('dislikes push the other way, ratings count by their value, and weights stay in range', () => {
    const [top] = selectClips(CLAIM_THEN_QUESTION);
    const disliked = learnWeights([{ features: top!.measured, signal: feedbackSignal('dislike') }]);
    expect(disliked.hookClaim).toBeLessThan(DEFAULT_WEIGHTS.hookClaim);
    expect(feedbackSignal('rating', 5)).toBe(1);
    expect(feedbackSignal('rating', 3)).toBe(0);
    expect(feedbackSignal('rating', 1)).toBe(-1);
    expect(feedbackSignal('report')).toBe(0);
    const many = learnWeights(
      Array.from({ length: 200 }, () => ({ features: top!.measured, signal: -1 as const })),
    );
    for (const [name, weight] of Object.entries(many)) {
      const base = DEFAULT_WEIGHTS[name as keyof typeof DEFAULT_WEIGHTS];
      expect(weight).toBeGreaterThanOrEqual(base * WEIGHT_RANGE.min - 1e-9);
      expect(weight).toBeLessThanOrEqual(base * WEIGHT_RANGE.max + 1e-9);
    }
    expect(many.hookClaim).toBeCloseTo(DEFAULT_WEIGHTS.hookClaim * WEIGHT_RANGE.min, 6);
  });
});

describe('clip requests', () => {
  test('defaults, bounds and unknown fields', () => {
    expect(clipRequestSchema.parse({})).toEqual({ platform: 'generic', count: 3, formats: ['mp3', 'mp4'] });
    for (const bad of [
      { count: 0 },
      { count: 11 },
      { minSec: 11 },
      { maxSec: 61 },
      { minSec: 40, maxSec: 30 },
      { platform: 'vine' },
      { extra: 1 },
      { formats: [] },
    ]) {
      expect(clipRequestSchema.safeParse(bad).success).toBe(false);
    }
  });

  test('every platform preset lies within 12–60 s', () => {
    for (const platform of PLATFORMS) {
      const p = PLATFORM_PRESETS[platform];
      expect(p.minSec).toBeGreaterThanOrEqual(12);
      expect(p.maxSec).toBeLessThanOrEqual(60);
      expect(p.targetSec).toBeGreaterThanOrEqual(p.minSec);
      expect(p.targetSec).toBeLessThanOrEqual(p.maxSec);
    }
  });
});

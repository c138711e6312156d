import type { TimedSegment } from './features';
import { clipRequestSchema, PLATFORM_PRESETS, PLATFORMS } from './presets';
import { selectClips } from './select';
import { DEFAULT_WEIGHTS, feedbackSignal, learnWeights, WEIGHT_RANGE } from './weights';

function timeline(lines: string[], seconds = 5): TimedSegment[] {
  return lines.map((text, i) => ({
    speaker: i % 2 ? 'Ben' : 'Ava',
    text,
    start: i * (seconds + 0.2),
    end: i * (seconds + 0.2) + seconds,
  }));
}

// A claim-led stretch right on the topic, and a question-led stretch off it.
const segments = timeline([
  'Solar panels are the biggest change in energy this decade.',
  'Solar energy panels now cost less than coal.',
  'Energy from solar panels keeps getting cheaper.',
  'That is the solar energy story.',
  'The weather stayed mild.',
  'What would you do with a free afternoon?',
  'I would walk by the lake.',
  'Then read in the garden.',
  'That sounds like a plan.',
]);
const request = { platform: 'reels' as const, count: 2, minSec: 15, maxSec: 25 };
const topic = 'solar energy panels';

describe('feedback changes later rankings', () => {
  test('after consistent likes of question-led clips, question-led windows rank first for that user', () => {
    const before = selectClips({ segments, topic, request });
    expect(before[0]?.features.hook.kind).toBe('claim');
    const questionLed = before.find((c) => c.features.hook.kind === 'question');
    expect(questionLed).toBeDefined();

    const liked = Array.from({ length: 6 }, () => ({
      features: questionLed!.measured,
      signal: feedbackSignal('like'),
    }));
    const weights = learnWeights(liked);
    expect(weights.hookQuestion).toBeGreaterThan(DEFAULT_WEIGHTS.hookQuestion);
    const after = selectClips({ segments, topic, request, weights });
    expect(after[0]?.features.hook.kind).toBe('question');
  });

  test('dislikes push the other way, ratings count by their value, and weights stay in range', () => {
    const [top] = selectClips({ segments, topic, request });
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

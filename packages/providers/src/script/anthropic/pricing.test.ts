import { costUsd, FALLBACK_PRICE, priceFor } from './pricing';

describe('pricing', () => {
  it('resolves dated model ids to their alias and unknown models to the fallback', () => {
    expect(priceFor('claude-haiku-4-5-20251001')).toEqual({ inputPerMTok: 1, outputPerMTok: 5 });
    expect(priceFor('claude-someday-9')).toBe(FALLBACK_PRICE);
  });

  it('computes request cost from token usage', () => {
    expect(costUsd('claude-sonnet-5-5', { inputTokens: 1_000_000, outputTokens: 100_000 })).toBe(3);
    expect(costUsd('claude-opus-5-5', { inputTokens: 10_000, outputTokens: 2_000 })).toBe(0.08);
  });

  it('applies long-context rates above the prompt threshold (Haiku 5.5)', () => {
    expect(costUsd('claude-haiku-5-5', { inputTokens: 100_000, outputTokens: 10_000 })).toBe(0.015);
    expect(costUsd('claude-haiku-5-5', { inputTokens: 100_001, outputTokens: 10_000 })).toBe(0.075001);
  });

  it('accepts a custom price table', () => {
    expect(
      costUsd(
        'my-model',
        { inputTokens: 500_000, outputTokens: 0 },
        { 'my-model': { inputPerMTok: 4, outputPerMTok: 0 } },
      ),
    ).toBe(2);
  });
});

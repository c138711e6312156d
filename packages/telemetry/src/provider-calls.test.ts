import { metricsRegistry } from './metrics';
import { observeProviderCall, recordLlmUsage, recordTtsCharacters, recordTtsCost } from './provider-calls';

/** A metric's value for exactly these labels (0 when the series does not exist). */
async function seriesValue(name: string, labels: Record<string, string>): Promise<number> {
  const metric = await metricsRegistry.getSingleMetric(name)?.get();
  const match = metric?.values.find((v) =>
    Object.entries(labels).every(([k, want]) => String(v.labels[k]) === want),
  );
  return match?.value ?? 0;
}

class RateLimitedError extends Error {
  readonly code = 'RATE_LIMITED';
}

describe('provider calls', () => {
  beforeEach(() => metricsRegistry.resetMetrics());

  it('records latency by outcome, errors by code and 429s', async () => {
    const call = { kind: 'tts', provider: 'fake', operation: 'text-to-speech' } as const;
    await expect(observeProviderCall(call, async () => 'audio')).resolves.toBe('audio');
    await expect(
      observeProviderCall(call, async () => Promise.reject(new RateLimitedError('slow down'))),
    ).rejects.toThrow('slow down');
    await expect(
      observeProviderCall({ ...call, kind: 'webhook', provider: 'http', operation: 'deliver' }, async () =>
        Promise.reject(Object.assign(new Error('HTTP 429'), { code: 'WEBHOOK_FAILED', statusCode: 429 })),
      ),
    ).rejects.toThrow('HTTP 429');

    const seconds = 'podfleet_provider_request_duration_seconds';
    const histogram = await metricsRegistry.getSingleMetric(seconds)?.get();
    const count = (outcome: string) =>
      histogram?.values.find(
        (v) =>
          (v as { metricName?: string }).metricName === `${seconds}_count` &&
          v.labels.provider === 'fake' &&
          v.labels.outcome === outcome,
      )?.value;
    expect([count('ok'), count('error')]).toEqual([1, 1]);
    expect(
      await seriesValue('podfleet_provider_errors_total', { provider: 'fake', code: 'RATE_LIMITED' }),
    ).toBe(1);
    expect(await seriesValue('podfleet_provider_rate_limited_total', { kind: 'tts', provider: 'fake' })).toBe(
      1,
    );
    expect(
      await seriesValue('podfleet_provider_errors_total', { provider: 'http', code: 'WEBHOOK_FAILED' }),
    ).toBe(1);
    expect(await seriesValue('podfleet_provider_rate_limited_total', { kind: 'webhook' })).toBe(1);
  });

  it('counts tokens, characters and cost', async () => {
    recordLlmUsage({
      provider: 'anthropic',
      model: 'm',
      inputTokens: 1200,
      outputTokens: 300,
      costUsd: 0.01,
    });
    recordLlmUsage({
      provider: 'anthropic',
      model: 'm',
      inputTokens: 800,
      outputTokens: 100,
      costUsd: 0.005,
    });
    recordTtsCharacters('elevenlabs', 640);
    recordTtsCost('elevenlabs', 0.1152);
    expect(await seriesValue('podfleet_llm_tokens_total', { model: 'm', type: 'input' })).toBe(2000);
    expect(await seriesValue('podfleet_llm_tokens_total', { model: 'm', type: 'output' })).toBe(400);
    expect(await seriesValue('podfleet_tts_characters_total', { provider: 'elevenlabs' })).toBe(640);
    expect(await seriesValue('podfleet_provider_cost_usd_total', { kind: 'llm' })).toBeCloseTo(0.015);
    expect(await seriesValue('podfleet_provider_cost_usd_total', { kind: 'tts' })).toBeCloseTo(0.1152);
  });
});

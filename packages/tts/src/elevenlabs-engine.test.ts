import { ProviderError, unspokenLanguage, voiceLanguageMismatches } from '@podfleet/providers';
import { metricsRegistry } from '@podfleet/telemetry';
import { type FakeServer, startHttpServer } from '@podfleet/test-kit';
import { Redis } from 'ioredis';
import { createElevenLabsEngine, ELEVENLABS_DEFAULT_VOICES } from './elevenlabs-engine';
import { createFleetLimiter } from './fleet-limiter';

/** 50 MPEG-1 layer III frames (128 kbps, 44.1 kHz, mono): 1.306 s. */
const MP3 = (() => {
  const frame = Buffer.alloc(417);
  frame.writeUInt32BE(0xfffb90c0, 0);
  return Buffer.concat(Array.from({ length: 50 }, () => frame));
})();

type Reply = { status: number; headers?: Record<string, string>; body: string | Buffer };

describe('ElevenLabs engine (local fake API)', () => {
  let server: FakeServer;
  let replies: Reply[] = [];

  beforeAll(async () => {
    server = await startHttpServer((_req, res) => {
      const reply = replies.shift() ?? { status: 200, headers: { 'content-type': 'audio/mpeg' }, body: MP3 };
      res.writeHead(reply.status, reply.headers ?? { 'content-type': 'application/json' });
      res.end(reply.body);
    });
  });
  afterAll(() => server.close());
  beforeEach(() => {
    replies = [];
    server.requests.length = 0;
  });

  const engine = (extra: Partial<Parameters<typeof createElevenLabsEngine>[0]> = {}) =>
    createElevenLabsEngine({
      apiKey: 'test-key',
      baseUrl: server.url,
      modelId: 'eleven_test',
      maxAttempts: 1,
      ...extra,
    });

  it('posts the line and returns MP3 with its duration', async () => {
    const tts = engine();
    const [voice] = tts.voicesFor([{ name: 'Maya' }, { name: 'Theo' }]);
    const clip = await tts.synthesize({ text: 'Hello from the fake.', voice: voice! });
    expect(clip).toMatchObject({ format: 'mp3', sampleRate: 44100, characters: 20 });
    expect(clip.audio).toEqual(MP3);
    expect(clip.durationSec).toBeCloseTo((50 * 1152) / 44100, 6);
    const [req] = server.requests;
    expect(req!.method).toBe('POST');
    expect(req!.url).toBe(`/v1/text-to-speech/${voice}?output_format=mp3_44100_128`);
    expect(req!.headers['xi-api-key']).toBe('test-key');
    expect(JSON.parse(req!.body.toString())).toMatchObject({
      text: 'Hello from the fake.',
      model_id: 'eleven_test',
    });
  });

  it('gives each host a distinct voice unless one is chosen', () => {
    const voices = engine().voicesFor([{ name: 'A' }, { name: 'B', voice: 'custom-voice' }, { name: 'C' }]);
    expect(new Set(voices).size).toBe(3);
    expect(voices[1]).toBe('custom-voice');
  });

  it('lists the account’s voices from GET /v1/voices, keeping the defaults among them', async () => {
    replies.push({
      status: 200,
      body: JSON.stringify({
        voices: [
          {
            voice_id: '21m00Tcm4TlvDq8ikWAM',
            name: 'Rachel',
            category: 'premade',
            labels: { accent: 'american' },
          },
          { voice_id: 'cloned-1', name: 'My clone', category: 'cloned', labels: { language: 'de' } },
        ],
      }),
    });
    const list = await engine().listVoices!();
    expect(server.requests[0]).toMatchObject({ method: 'GET', url: '/v1/voices' });
    expect(server.requests[0]!.headers['xi-api-key']).toBe('test-key');
    expect(list.voices.slice(0, 2)).toEqual([
      { id: '21m00Tcm4TlvDq8ikWAM', name: 'Rachel', languages: [] },
      { id: 'cloned-1', name: 'My clone', languages: ['de'] },
    ]);
    expect(list.voices.map((v) => v.id)).toEqual(expect.arrayContaining([...ELEVENLABS_DEFAULT_VOICES]));
    expect(list.languages).toEqual(['de']);
    expect(list.defaults).toEqual([...ELEVENLABS_DEFAULT_VOICES]);
  });

  it('tells the models that take it the language (language_code), and no other model', async () => {
    await engine({ modelId: 'eleven_flash_v2_5' }).synthesize({
      text: 'Servus.',
      voice: 'v1',
      language: 'de-AT',
    });
    await engine({ modelId: 'eleven_multilingual_v2' }).synthesize({
      text: 'Servus.',
      voice: 'v1',
      language: 'de-AT',
    });
    const [flash, multilingual] = server.requests.map((r) => JSON.parse(r.body.toString()));
    expect(flash).toMatchObject({ model_id: 'eleven_flash_v2_5', language_code: 'de' });
    expect(multilingual.model_id).toBe('eleven_multilingual_v2');
    expect(multilingual).not.toHaveProperty('language_code');
  });

  it('lists what the model speaks, with any voice: multilingual v2’s 29 languages, English only for an English model', async () => {
    const multilingual = await engine({ modelId: 'eleven_multilingual_v2' }).listVoices!();
    expect(multilingual).toMatchObject({ anyLanguage: false, languagesByVoice: false });
    expect(multilingual.languages).toHaveLength(29);
    expect(unspokenLanguage(multilingual, 'pt-BR')).toBeNull();
    expect(unspokenLanguage(multilingual, 'vi')).toContain('does not speak "vi"');
    // A voice's label is an accent: any voice speaks the model's languages.
    expect(voiceLanguageMismatches(multilingual, [{ voice: ELEVENLABS_DEFAULT_VOICES[0] }], 'de')).toEqual(
      [],
    );
    const english = await engine({ modelId: 'eleven_turbo_v2' }).listVoices!();
    expect(english.languages).toEqual(['en']);
    expect(unspokenLanguage(english, 'de')).toBe('the elevenlabs engine does not speak "de"; it speaks: en');
  });

  it('maps 429 with Retry-After to a retryable RATE_LIMITED error with retryAfterMs', async () => {
    replies.push({
      status: 429,
      headers: { 'content-type': 'application/json', 'retry-after': '7' },
      body: JSON.stringify({ detail: { status: 'too_many_concurrent_requests', message: 'Too many' } }),
    });
    const err = await engine()
      .synthesize({ text: 'Hi.', voice: 'v1' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err).toMatchObject({ code: 'RATE_LIMITED', retryable: true, retryAfterMs: 7000 });
    expect((err as Error).message).toContain('too_many_concurrent_requests');
  });

  it('maps 401 to a non-retryable TTS_FAILED and does not retry it', async () => {
    replies.push({
      status: 401,
      body: JSON.stringify({ detail: { status: 'invalid_api_key', message: 'bad key' } }),
    });
    await expect(engine({ maxAttempts: 3 }).synthesize({ text: 'Hi.', voice: 'v1' })).rejects.toMatchObject({
      code: 'TTS_FAILED',
      retryable: false,
    });
    expect(server.requests).toHaveLength(1);
  });

  it('maps 422 validation errors to non-retryable', async () => {
    replies.push({ status: 422, body: JSON.stringify({ detail: [{ msg: 'text too long' }] }) });
    await expect(engine().synthesize({ text: 'Hi.', voice: 'v1' })).rejects.toMatchObject({
      retryable: false,
    });
  });

  it('maps 500 to retryable, and retries it in place when attempts remain', async () => {
    replies.push({ status: 500, body: 'oops' });
    await expect(engine().synthesize({ text: 'Hi.', voice: 'v1' })).rejects.toMatchObject({
      code: 'TTS_FAILED',
      retryable: true,
    });
    replies.push({ status: 503, headers: { 'retry-after': '0' }, body: '{}' });
    const clip = await engine({ maxAttempts: 2 }).synthesize({ text: 'Hi.', voice: 'v1' });
    expect(clip.format).toBe('mp3');
    expect(server.requests).toHaveLength(3);
  });

  it('measures every request, retried ones included, and counts its 429s', async () => {
    metricsRegistry.resetMetrics();
    replies.push({ status: 429, headers: { 'retry-after': '0' }, body: '{}' });
    await engine({ maxAttempts: 2 }).synthesize({ text: 'Hi.', voice: 'v1' });
    const requests = await metricsRegistry
      .getSingleMetric('podfleet_provider_request_duration_seconds')
      ?.get();
    expect(
      requests?.values
        .filter((v) => (v as { metricName?: string }).metricName?.endsWith('_count'))
        .map((v) => [v.labels.provider, v.labels.operation, v.labels.outcome, v.value]),
    ).toEqual([
      ['elevenlabs', 'text-to-speech', 'error', 1],
      ['elevenlabs', 'text-to-speech', 'ok', 1],
    ]);
    const limited = await metricsRegistry.getSingleMetric('podfleet_provider_rate_limited_total')?.get();
    expect(limited?.values).toEqual([{ labels: { kind: 'tts', provider: 'elevenlabs' }, value: 1 }]);
  });

  it('a 429 Retry-After pauses the whole fleet through the shared limiter', async () => {
    const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
    try {
      const keyPrefix = `${process.env.QUEUE_PREFIX ?? 'pftest'}:elevenlabs`;
      const limiter = createFleetLimiter({ redis, keyPrefix, limit: 2 });
      replies.push({
        status: 429,
        headers: { 'retry-after': '30' },
        body: '{"detail":{"status":"system_busy"}}',
      });
      await expect(engine({ limiter }).synthesize({ text: 'Hi.', voice: 'v1' })).rejects.toMatchObject({
        retryAfterMs: 30_000,
      });
      const otherWorker = createFleetLimiter({ redis, keyPrefix, limit: 2 });
      expect(await otherWorker.pausedForMs()).toBeGreaterThan(25_000);
      expect(await otherWorker.inFlight()).toBe(0); // the lease was released
    } finally {
      await redis.quit();
    }
  });

  it('a 429 without Retry-After pauses the whole fleet too, for rateLimitPauseMs', async () => {
    const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
    try {
      const keyPrefix = `${process.env.QUEUE_PREFIX ?? 'pftest'}:elevenlabs-no-header`;
      const limiter = createFleetLimiter({ redis, keyPrefix, limit: 2 });
      replies.push({ status: 429, body: '{"detail":{"status":"too_many_concurrent_requests"}}' });
      await expect(
        engine({ limiter, maxAttempts: 1, rateLimitPauseMs: 20_000 }).synthesize({
          text: 'Hi.',
          voice: 'v1',
        }),
      ).rejects.toMatchObject({ code: 'RATE_LIMITED' });
      const otherWorker = createFleetLimiter({ redis, keyPrefix, limit: 2 });
      expect(await otherWorker.pausedForMs()).toBeGreaterThan(15_000);
    } finally {
      await redis.quit();
    }
  });
});

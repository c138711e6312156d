import { ProviderError, unspokenLanguage, voiceLanguageMismatches } from '@podfleet/providers';
import { type FakeOpenAI, fakeOpenAIReplies, startFakeOpenAI } from '@podfleet/providers/testing';
import { Redis } from 'ioredis';
import { createFleetLimiter } from './fleet-limiter';
import { createOpenAiTtsEngine, type OpenAiTtsEngineOptions } from './openai-engine';
import { parseWav } from './wav';

const KOKORO_VOICES = ['af_bella', 'af_sky', 'am_adam', 'am_michael', 'bf_emma', 'bm_george'];

const fakes: FakeOpenAI[] = [];
async function server(options: Parameters<typeof startFakeOpenAI>[0] = {}): Promise<FakeOpenAI> {
  const fake = await startFakeOpenAI(options);
  fakes.push(fake);
  return fake;
}
const engineFor = (fake: FakeOpenAI, extra: OpenAiTtsEngineOptions = {}) =>
  createOpenAiTtsEngine({ baseUrl: fake.url, maxAttempts: 1, ...extra });

afterEach(async () => {
  await Promise.all(fakes.splice(0).map((f) => f.close()));
});

/** Seconds of sound in a WAV clip whose samples stay above the silence threshold. */
function soundSec(wav: Buffer): number {
  const { pcm, sampleRate } = parseWav(wav);
  let loud = 0;
  for (let i = 0; i + 1 < pcm.length; i += 2) if (Math.abs(pcm.readInt16LE(i)) > 64) loud++;
  return loud / sampleRate;
}

describe('OpenAI-compatible TTS engine (local fakes of OpenAI, Kokoro-FastAPI, Speaches)', () => {
  it('posts /v1/audio/speech with model, voice and wav, and returns the clip trimmed of its padding', async () => {
    const fake = await server({ apiKey: 'sk-tts' });
    const tts = engineFor(fake, { apiKey: 'sk-tts', model: 'tts-1-hd' });
    const [voice] = tts.voicesFor([{ name: 'Maya' }, { name: 'Theo' }]);
    const text = 'Hello from the fake server.';
    const clip = await tts.synthesize({ text, voice: voice! });

    expect(clip).toMatchObject({ format: 'wav', sampleRate: 24_000, characters: text.length });
    const tone = text.length * 0.05; // the fake speaks 50 ms per character, padded by 0.15 s each side
    expect(clip.durationSec).toBeGreaterThan(tone - 0.01);
    expect(clip.durationSec).toBeLessThan(tone + 0.05);
    expect(parseWav(clip.audio).pcm.length / 2 / 24_000).toBeCloseTo(clip.durationSec, 6);
    expect(soundSec(clip.audio)).toBeGreaterThan(tone * 0.9);
    const [request] = fake.requests;
    expect(request).toMatchObject({ method: 'POST', url: '/v1/audio/speech' });
    expect(request!.headers.authorization).toBe('Bearer sk-tts');
    expect(fake.speechRequests()).toEqual([
      { model: 'tts-1-hd', input: text, voice: 'nova', response_format: 'wav' },
    ]);
  });

  it('reads raw pcm at the configured rate, and a streaming WAV header (sizes 0xFFFFFFFF)', async () => {
    const pcmServer = await server({ sampleRate: 22_050 });
    const pcm = await engineFor(pcmServer, { format: 'pcm', pcmSampleRate: 22_050 }).synthesize({
      text: 'Raw samples.',
      voice: 'alloy',
    });
    expect(pcm).toMatchObject({ format: 'wav', sampleRate: 22_050 });
    expect(pcm.durationSec).toBeCloseTo(12 * 0.05, 1);
    expect(pcmServer.speechRequests()[0]!.response_format).toBe('pcm');

    const streaming = await server({ streamingWavHeader: true });
    const clip = await engineFor(streaming).synthesize({ text: 'Streamed.', voice: 'alloy' });
    expect(clip.durationSec).toBeCloseTo(9 * 0.05, 1);
  });

  it('caches clips per server and model, not per voice name alone', () => {
    const scopes = [
      createOpenAiTtsEngine({ baseUrl: 'http://localhost:8000/v1' }),
      createOpenAiTtsEngine({ baseUrl: 'http://localhost:8000/v1', model: 'tts-1-hd' }),
      createOpenAiTtsEngine(),
    ].map((engine) => engine.cacheScope);
    expect(new Set(scopes).size).toBe(3);
  });

  it('gives each host a distinct voice unless one is chosen; a chosen voice is used as it is', () => {
    const tts = createOpenAiTtsEngine();
    const voices = tts.voicesFor([{ name: 'A' }, { name: 'B', voice: 'nova' }, { name: 'C' }, { name: 'D' }]);
    expect(voices[1]).toBe('nova');
    expect(new Set(voices).size).toBe(4);
  });

  it('lists the server’s voices where it can (Kokoro-FastAPI), with languages and alternating defaults', async () => {
    const fake = await server({ voices: KOKORO_VOICES, listsVoices: true, errorStyle: 'fastapi' });
    const tts = engineFor(fake, { model: 'kokoro' });
    await tts.setUp?.();
    const list = await tts.listVoices!();
    expect(list.voices.map((v) => v.id)).toEqual(KOKORO_VOICES);
    expect(list.voices[0]).toEqual({ id: 'af_bella', name: 'af_bella', languages: ['en-us'] });
    expect(list.languages).toEqual(['en-gb', 'en-us']);
    expect(list.defaults).toEqual(['af_bella', 'am_adam', 'af_sky', 'am_michael']);
    expect(tts.voicesFor([{ name: 'Maya' }, { name: 'Theo' }])).toEqual(['af_bella', 'am_adam']);
    const clip = await tts.synthesize({ text: 'Kokoro speaking.', voice: 'am_adam' });
    expect(clip.durationSec).toBeGreaterThan(0.5);
  });

  it('speaks style.language: Kokoro gives hosts without a voice that language’s voices and says what it speaks; OpenAI’s voices speak any', async () => {
    const kokoro = await server({ voices: [...KOKORO_VOICES, 'ff_siwis'], listsVoices: true });
    const tts = engineFor(kokoro, { model: 'kokoro' });
    const list = await tts.listVoices!();
    expect(list).toMatchObject({
      languages: ['en-gb', 'en-us', 'fr'],
      anyLanguage: false,
      languagesByVoice: true,
    });
    expect(tts.voicesFor([{ name: 'Maya' }, { name: 'Theo' }], 'en-GB')).toEqual(['bf_emma', 'bm_george']);
    expect(tts.voicesFor([{ name: 'Maya' }, { name: 'Theo', voice: 'am_adam' }], 'fr')).toEqual([
      'ff_siwis',
      'am_adam',
    ]);
    expect(unspokenLanguage(list, 'fr-CA')).toBeNull();
    expect(unspokenLanguage(list, 'de')).toBe(
      'the openai engine does not speak "de"; it speaks: en-gb, en-us, fr',
    );
    expect(voiceLanguageMismatches(list, [{ voice: 'ff_siwis' }, { voice: 'af_bella' }], 'fr')).toEqual([
      { index: 1, voice: 'af_bella', languages: ['en-us'] },
    ]);

    const openai = await server();
    const any = await engineFor(openai).listVoices!();
    expect(any.anyLanguage).toBe(true);
    expect(unspokenLanguage(any, 'de')).toBeNull();
    expect(voiceLanguageMismatches(any, [{ voice: 'nova' }], 'de')).toEqual([]);
  });

  it('keeps OpenAI’s voices where the server has no list, and the configured ones over any list', async () => {
    const openai = await server();
    const tts = engineFor(openai);
    const list = await tts.listVoices!();
    expect(list.voices.map((v) => v.id)).toContain('onyx');
    expect(list.defaults).toEqual(['nova', 'onyx', 'shimmer', 'echo']);
    expect(list.languages).toEqual([]);

    const kokoro = await server({ voices: KOKORO_VOICES, listsVoices: true });
    const configured = engineFor(kokoro, { voices: ['bm_george', 'bf_emma'] });
    expect((await configured.listVoices!()).voices.map((v) => v.id)).toEqual(['bm_george', 'bf_emma']);
    expect(kokoro.requests.filter((r) => r.url === '/v1/audio/voices')).toHaveLength(0);
  });

  it('an unknown voice is a non-retryable TTS_FAILED naming the server’s message (OpenAI and FastAPI error bodies)', async () => {
    for (const errorStyle of ['openai', 'fastapi'] as const) {
      const fake = await server({ errorStyle });
      const err = await engineFor(fake, { maxAttempts: 3 })
        .synthesize({ text: 'Hi.', voice: 'nobody' })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ProviderError);
      expect(err).toMatchObject({ code: 'TTS_FAILED', retryable: false });
      expect((err as Error).message).toContain("Invalid value: 'nobody'");
      expect(fake.speechRequests()).toHaveLength(1);
    }
  });

  it('429 with Retry-After pauses the whole fleet through the shared limiter for that long', async () => {
    const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
    try {
      const keyPrefix = `${process.env.QUEUE_PREFIX ?? 'pftest'}:tts:openai-429`;
      const limiter = createFleetLimiter({ redis, keyPrefix, limit: 2 });
      const fake = await server();
      fake.enqueueSpeech(fakeOpenAIReplies.rateLimited(30));
      await expect(
        engineFor(fake, { limiter }).synthesize({ text: 'Hi.', voice: 'nova' }),
      ).rejects.toMatchObject({
        code: 'RATE_LIMITED',
        retryable: true,
        retryAfterMs: 30_000,
      });
      const otherWorker = createFleetLimiter({ redis, keyPrefix, limit: 2 });
      expect(await otherWorker.pausedForMs()).toBeGreaterThan(25_000);
      expect(await otherWorker.inFlight()).toBe(0);
    } finally {
      await redis.quit();
    }
  });

  it('429 without Retry-After pauses the fleet for rateLimitPauseMs and is retried in place', async () => {
    const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
    try {
      const keyPrefix = `${process.env.QUEUE_PREFIX ?? 'pftest'}:tts:openai-429-bare`;
      const limiter = createFleetLimiter({ redis, keyPrefix, limit: 1 });
      const fake = await server();
      fake.enqueueSpeech(fakeOpenAIReplies.rateLimited());
      const clip = await engineFor(fake, { limiter, maxAttempts: 2, rateLimitPauseMs: 300 }).synthesize({
        text: 'Again.',
        voice: 'nova',
      });
      expect(clip.durationSec).toBeGreaterThan(0);
      expect(fake.speechRequests()).toHaveLength(2);
      expect(await limiter.inFlight()).toBe(0);
    } finally {
      await redis.quit();
    }
  });

  it('a 500 is retried in place; a server that is not there is a retryable TTS_FAILED', async () => {
    const fake = await server();
    fake.enqueueSpeech(fakeOpenAIReplies.serverError());
    await engineFor(fake, { maxAttempts: 2 }).synthesize({ text: 'Once more.', voice: 'nova' });
    expect(fake.speechRequests()).toHaveLength(2);

    const gone = await server();
    await gone.close();
    await expect(engineFor(gone).synthesize({ text: 'Hi.', voice: 'nova' })).rejects.toMatchObject({
      code: 'TTS_FAILED',
      retryable: true,
      message: expect.stringContaining('unreachable'),
    });
  });
});

import { type FakeElevenLabs, fakeSpeechPcm, startFakeElevenLabs } from '@podfleet/providers/testing';
import { type FakeServer, startHttpServer } from '@podfleet/test-kit';
import { createElevenLabsEngine, type ElevenLabsEngineOptions } from './elevenlabs-engine';
import { parseWav } from './wav';

/** 10 MPEG-1 layer III frames (128 kbps, 44.1 kHz): what the fake's text-to-speech answers. */
const MP3 = (() => {
  const frame = Buffer.alloc(417);
  frame.writeUInt32BE(0xfffb90c0, 0);
  return Buffer.concat(Array.from({ length: 10 }, () => frame));
})();

const LINES = [
  { text: 'Welcome back to the harbor show.', voice: 'voice-maya' },
  { text: 'Today the ferries return.', voice: 'voice-theo' },
  { text: 'Four crossings a day.', voice: 'voice-maya' },
];

describe('ElevenLabs dialogue mode (local fake API)', () => {
  let fake: FakeElevenLabs;

  beforeEach(async () => {
    fake = await startFakeElevenLabs({ apiKey: 'el-key', mp3: MP3 });
  });
  afterEach(() => fake.close());

  const engine = (extra: Partial<ElevenLabsEngineOptions> = {}) =>
    createElevenLabsEngine({
      apiKey: 'el-key',
      baseUrl: fake.url,
      maxAttempts: 1,
      mode: 'dialogue',
      ...extra,
    });

  it('voices the lines in one text-to-dialogue request and cuts the audio at its voice segments', async () => {
    const tts = engine();
    expect(tts.dialogue).toMatchObject({ maxChars: 2_000, maxVoices: 10 });
    const clips = await tts.dialogue!.synthesize({ lines: LINES });

    const [req] = fake.requests;
    expect(req).toMatchObject({
      method: 'POST',
      url: '/v1/text-to-dialogue/with-timestamps?output_format=pcm_24000',
    });
    expect(req!.headers['xi-api-key']).toBe('el-key');
    expect(fake.dialogueRequests()).toEqual([
      {
        inputs: LINES.map((l) => ({ text: l.text, voice_id: l.voice })),
        model_id: 'eleven_v3',
        output_format: 'pcm_24000',
      },
    ]);
    expect(fake.speechRequests()).toEqual([]);

    const [answer] = fake.dialogueAnswers();
    expect(clips).toHaveLength(LINES.length);
    clips.forEach((clip, i) => {
      const segment = answer!.voice_segments[i]!;
      expect(clip).toMatchObject({ format: 'wav', sampleRate: 24_000, characters: LINES[i]!.text.length });
      expect(clip.durationSec).toBeCloseTo(segment.end_time_seconds - segment.start_time_seconds, 4);
      // Exactly the input's own speech: nothing of the gap or of the neighbouring lines.
      const wav = parseWav(clip.audio);
      expect(wav.sampleRate).toBe(24_000);
      expect(wav.pcm.equals(fakeSpeechPcm(LINES[i]!.text, i === 1 ? 1 : 0, 24_000))).toBe(true);
    });
  });

  it('names the dialogue model and format it is given, and caches apart from per-line speech', async () => {
    const tts = engine({ dialogueModelId: 'eleven_v3_test', dialogueOutputFormat: 'pcm_44100' });
    expect(tts.cacheScope).toBe('elevenlabs:dialogue:eleven_v3_test');
    const speech = createElevenLabsEngine({ apiKey: 'k' });
    expect([speech.dialogue, speech.cacheScope]).toEqual([undefined, undefined]);
    const clips = await tts.dialogue!.synthesize({ lines: LINES.slice(0, 1) });
    expect(clips[0]!.sampleRate).toBe(44_100);
    expect(fake.dialogueRequests()[0]).toMatchObject({
      model_id: 'eleven_v3_test',
      output_format: 'pcm_44100',
    });
  });

  it('falls back to per-line speech for a chunk the dialogue endpoint fails (5xx after its retries)', async () => {
    fake.enqueueDialogue({ status: 500, reason: 'internal_error' }, { status: 503, reason: 'system_busy' });
    const clips = await engine({ maxAttempts: 2, maxInlineWaitMs: 5_000 }).dialogue!.synthesize({
      lines: LINES,
    });
    expect(fake.dialogueRequests()).toHaveLength(2);
    expect(fake.speechRequests()).toEqual(
      LINES.map((l) => ({ voice: l.voice, text: l.text, model_id: 'eleven_multilingual_v2' })),
    );
    expect(clips.map((c) => [c.format, c.characters])).toEqual(LINES.map((l) => ['mp3', l.text.length]));
  });

  it('sends a chunk over the character limit straight to per-line speech', async () => {
    const clips = await engine({ dialogueMaxChars: 40 }).dialogue!.synthesize({ lines: LINES });
    expect(fake.dialogueRequests()).toEqual([]);
    expect(fake.speechRequests()).toHaveLength(LINES.length);
    expect(clips.every((c) => c.format === 'mp3')).toBe(true);
  });

  it.each([
    ['an invalid key', { status: 401, reason: 'invalid_api_key' }, 'TTS_FAILED'],
    ['an exhausted quota', { status: 401, reason: 'quota_exceeded' }, 'TTS_FAILED'],
    ['the rate limit', { status: 429, reason: 'too_many_concurrent_requests' }, 'RATE_LIMITED'],
  ])('does not fall back on %s: the job fails (or backs off) with the reason', async (_what, reply, code) => {
    fake.enqueueDialogue(reply);
    const err = await engine()
      .dialogue!.synthesize({ lines: LINES })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code });
    expect((err as Error).message).toContain(reply.reason);
    expect(fake.speechRequests()).toEqual([]);
  });
});

describe('ElevenLabs dialogue with unusable timings', () => {
  let server: FakeServer;
  let segments: unknown[];

  beforeAll(async () => {
    server = await startHttpServer((req, res) => {
      if (req.url.startsWith('/v1/text-to-speech/')) {
        res.writeHead(200, { 'content-type': 'audio/mpeg' }).end(MP3);
        return;
      }
      const audio = Buffer.alloc(24_000 * 2).toString('base64');
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ audio_base64: audio, voice_segments: segments }));
    });
  });
  afterAll(() => server.close());

  const segment = (index: number, voice: string, start: number, end: number) => ({
    voice_id: voice,
    start_time_seconds: start,
    end_time_seconds: end,
    character_start_index: 0,
    character_end_index: 1,
    dialogue_input_index: index,
  });

  it.each([
    ['a line without a segment', [segment(0, 'a', 0, 0.5)]],
    ['a segment of another voice', [segment(0, 'a', 0, 0.5), segment(1, 'a', 0.5, 1)]],
    // ElevenLabs answers zero-length segments for lines run together (interruptions).
    ['a zero-length segment', [segment(0, 'a', 0, 0.5), segment(1, 'b', 0.5, 0.5)]],
  ])('voices the chunk line by line when the answer has %s', async (_what, given) => {
    segments = given;
    server.requests.length = 0;
    const tts = createElevenLabsEngine({
      apiKey: 'k',
      baseUrl: server.url,
      maxAttempts: 1,
      mode: 'dialogue',
    });
    const clips = await tts.dialogue!.synthesize({
      lines: [
        { text: 'One.', voice: 'a' },
        { text: 'Two.', voice: 'b' },
      ],
    });
    expect(server.requests.map((r) => r.url.split('?')[0])).toEqual([
      '/v1/text-to-dialogue/with-timestamps',
      '/v1/text-to-speech/a',
      '/v1/text-to-speech/b',
    ]);
    expect(clips.map((c) => c.format)).toEqual(['mp3', 'mp3']);
  });

  it('splits several segments of one line from the earliest start to the latest end', async () => {
    segments = [segment(0, 'a', 0.1, 0.3), segment(0, 'a', 0.3, 0.5), segment(1, 'b', 0.6, 0.9)];
    const tts = createElevenLabsEngine({
      apiKey: 'k',
      baseUrl: server.url,
      maxAttempts: 1,
      mode: 'dialogue',
    });
    const clips = await tts.dialogue!.synthesize({
      lines: [
        { text: 'One.', voice: 'a' },
        { text: 'Two.', voice: 'b' },
      ],
    });
    expect(clips.map((c) => [c.format, Number(c.durationSec.toFixed(3))])).toEqual([
      ['wav', 0.4],
      ['wav', 0.3],
    ]);
  });
});

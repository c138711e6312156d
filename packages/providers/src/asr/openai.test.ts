import { spawn } from 'node:child_process';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import ffmpegInstaller from '@ffmpeg-installer/ffmpeg';
import { parseConfig } from '@podfleet/config';
import { makeTempDir } from '@podfleet/test-kit';
import { fakeOpenAIReplies } from '../openai/testing/fake-openai';
import { ProviderError } from '../types';
import { createAsrProvider, createOpenAiAsr, type OpenAiAsrOptions, type TranscriptSegment } from './index';
import {
  FAKE_ASR_WORDS,
  type FakeTranscription,
  type FakeTranscriptionOptions,
  type FakeUtterance,
  startFakeTranscription,
  toneSpeechPcm,
} from './testing/fake-transcription';

let work: { dir: string; remove(): Promise<void> };
/** Where the client cuts its chunks: empty again after every transcription, failed ones included. */
let chunkDir: { dir: string; remove(): Promise<void> };
const fakes: FakeTranscription[] = [];

beforeEach(async () => {
  work = await makeTempDir('podfleet-asr-test-');
  chunkDir = await makeTempDir('podfleet-asr-chunks-');
});
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((f) => f.close()));
  expect(await readdir(chunkDir.dir)).toEqual([]);
  await Promise.all([work.remove(), chunkDir.remove()]);
});

async function server(options: FakeTranscriptionOptions = {}): Promise<FakeTranscription> {
  const fake = await startFakeTranscription(options);
  fakes.push(fake);
  return fake;
}
const asrFor = (fake: FakeTranscription, extra: Partial<OpenAiAsrOptions> = {}) =>
  createOpenAiAsr({
    ffmpegPath: ffmpegInstaller.path,
    baseUrl: fake.url,
    maxAttempts: 1,
    tempDir: chunkDir.dir,
    ...extra,
  });

/** An MP3 (as uploads are normalised to) of tones standing for words. */
async function toneFile(
  utterances: FakeUtterance[],
  durationSec: number,
  name = 'upload.mp3',
): Promise<string> {
  const path = join(work.dir, name);
  await new Promise<void>((resolve, reject) => {
    const child = spawn(ffmpegInstaller.path, [
      ...['-hide_banner', '-v', 'error', '-f', 's16le', '-ar', '16000', '-ac', '1', '-i', 'pipe:0'],
      ...['-c:a', 'libmp3lame', '-b:a', '96k', '-y', path],
    ]);
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`ffmpeg exited with ${code}`))));
    child.stdin.end(toneSpeechPcm(utterances, durationSec));
  });
  return path;
}

const textOf = (u: FakeUtterance) => {
  const word = FAKE_ASR_WORDS[u.word]!;
  return `${word[0]!.toUpperCase()}${word.slice(1)}.`;
};

/** Each utterance exactly once, in order, timed within 0.12 s (MP3 frames and 20 ms windows). */
function expectHeard(segments: TranscriptSegment[], utterances: FakeUtterance[]) {
  expect(segments.map((s) => s.text)).toEqual(utterances.map(textOf));
  segments.forEach((s, i) => {
    expect(s.speaker).toBe('Speaker');
    expect(Math.abs(s.start - utterances[i]!.start)).toBeLessThan(0.12);
    expect(Math.abs(s.end - utterances[i]!.end)).toBeLessThan(0.12);
    expect(s.end).toBeGreaterThan(s.start);
    if (i > 0) expect(s.start).toBeGreaterThanOrEqual(segments[i - 1]!.end);
  });
}

const SHORT: FakeUtterance[] = [
  { word: 0, start: 0.5, end: 1.5 },
  { word: 3, start: 2.2, end: 3.4 },
  { word: 7, start: 4, end: 5.2 },
];

describe('OpenAI-compatible transcription (local fakes of OpenAI, Speaches, faster-whisper-server)', () => {
  it('posts one multipart request for a short file and returns its segments as transcript lines', async () => {
    const fake = await server({ apiKey: 'sk-asr' });
    const path = await toneFile(SHORT, 6);
    const segments = await asrFor(fake, { apiKey: 'sk-asr', model: 'whisper-large-v3' }).transcribeFile(
      path,
      {
        language: 'en-US',
      },
    );

    expectHeard(segments, SHORT);
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0]).toMatchObject({ method: 'POST', url: '/v1/audio/transcriptions' });
    expect(fake.requests[0]!.headers.authorization).toBe('Bearer sk-asr');
    expect(fake.requests[0]!.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    const [fields] = fake.transcriptionRequests();
    expect(fields).toMatchObject({
      model: 'whisper-large-v3',
      responseFormat: 'verbose_json',
      timestampGranularities: ['segment'],
      language: 'en', // ISO 639-1: OpenAI refuses a locale
      fileName: 'chunk-0000.mp3',
      fileType: 'audio/mpeg',
    });
    // 6 s of 16 kHz mono at 64 kbit/s: about 48 KB.
    expect(fields!.fileBytes).toBeGreaterThan(40_000);
    expect(fields!.fileBytes).toBeLessThan(60_000);
  });

  it('cuts a long file into overlapping chunks, at most `concurrency` in flight, and stitches each utterance once', async () => {
    // Chunks of 20 s overlapping by 4 s: [0, 20], [16, 36], [32, 52], [48, 68]; cuts at 18, 34, 50.
    const utterances: FakeUtterance[] = [
      { word: 0, start: 2, end: 4 },
      { word: 1, start: 9, end: 12 },
      { word: 2, start: 14.5, end: 17 }, // in chunk 0's overlap, before the cut
      { word: 3, start: 18.4, end: 21 }, // chunk 0 hears its start only
      { word: 4, start: 25, end: 27 },
      { word: 5, start: 31, end: 33.5 }, // across chunk 2's start: chunk 1's
      { word: 6, start: 34.5, end: 37 }, // chunk 1 hears it cut at 36
      { word: 7, start: 41, end: 43 },
      { word: 8, start: 47, end: 49.5 },
      { word: 9, start: 50.5, end: 53 },
      { word: 10, start: 60, end: 62 },
      { word: 11, start: 64, end: 66.5 },
    ];
    const fake = await server();
    const path = await toneFile(utterances, 68);
    const segments = await asrFor(fake, { chunkSec: 20, overlapSec: 4, concurrency: 2 }).transcribeFile(path);

    expectHeard(segments, utterances);
    expect(
      fake
        .transcriptionRequests()
        .map((r) => r.fileName)
        .sort(),
    ).toEqual(['chunk-0000.mp3', 'chunk-0001.mp3', 'chunk-0002.mp3', 'chunk-0003.mp3']);
    expect(fake.maxInFlight()).toBeLessThanOrEqual(2);
  });

  it('reads Speaches and faster-whisper-server answers (words on segments, FastAPI errors)', async () => {
    const fake = await server({ answer: 'verbose_with_words', errorStyle: 'fastapi' });
    const path = await toneFile(SHORT, 6);
    expectHeard(await asrFor(fake).transcribeFile(path), SHORT);

    fake.enqueue({ kind: 'error', status: 404, message: "Model 'whisper-1' is not installed locally." });
    const error = await asrFor(fake)
      .transcribeFile(path)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ code: 'ASR_FAILED', retryable: false });
    expect((error as Error).message).toBe(
      "openai transcription: 404: Model 'whisper-1' is not installed locally.",
    );
  });

  it('makes text without segments one segment per chunk (timed only as finely as the chunks), stitched without overlap', async () => {
    const utterances: FakeUtterance[] = [
      { word: 0, start: 5, end: 7 },
      { word: 1, start: 25, end: 27 },
    ];
    for (const answer of ['text_only', 'plain_text'] as const) {
      const fake = await server({ answer });
      const path = await toneFile(utterances, 40, `${answer}.mp3`);
      const segments = await asrFor(fake, { chunkSec: 30, overlapSec: 5 }).transcribeFile(path);
      // Chunks [0, 30] and [25, 40]: the second starts where the first ends (the MP3's end, padding included).
      expect(segments).toEqual([
        { speaker: 'Speaker', text: 'Alpha. Bravo.', start: 0, end: 30 },
        { speaker: 'Speaker', text: 'Bravo.', start: 30, end: expect.closeTo(40, 0) },
      ]);
    }
  });

  it('returns no segments for silence', async () => {
    const fake = await server();
    const path = await toneFile([], 8);
    expect(await asrFor(fake).transcribeFile(path)).toEqual([]);
    expect(fake.transcriptionRequests()).toHaveLength(1);
  });

  it('waits out a 429 Retry-After, backs off after a 429 without one and after a 500, then succeeds', async () => {
    const fake = await server();
    const path = await toneFile(SHORT, 6);
    const asr = asrFor(fake, { maxAttempts: 4 });

    fake.enqueue(fakeOpenAIReplies.rateLimited(1));
    const started = performance.now();
    expectHeard(await asr.transcribeFile(path), SHORT);
    expect(performance.now() - started).toBeGreaterThanOrEqual(950);
    expect(fake.transcriptionRequests()).toHaveLength(2);

    fake.enqueue(fakeOpenAIReplies.rateLimited(), fakeOpenAIReplies.serverError());
    expectHeard(await asr.transcribeFile(path), SHORT);
    expect(fake.transcriptionRequests()).toHaveLength(5);
  });

  it('hands a long Retry-After, a spent quota and a refused key to the queue, classified', async () => {
    const fake = await server({ apiKey: 'sk-right' });
    const path = await toneFile(SHORT, 6);

    fake.enqueue(fakeOpenAIReplies.rateLimited(60));
    await expect(
      asrFor(fake, { apiKey: 'sk-right', maxAttempts: 3 }).transcribeFile(path),
    ).rejects.toMatchObject({ code: 'RATE_LIMITED', retryable: true, retryAfterMs: 60_000 });

    fake.enqueue({ ...fakeOpenAIReplies.quotaExceeded(), kind: 'error' } as never);
    await expect(
      asrFor(fake, { apiKey: 'sk-right', maxAttempts: 3 }).transcribeFile(path),
    ).rejects.toMatchObject({
      code: 'ASR_FAILED',
      retryable: false,
    });

    const before = fake.transcriptionRequests().length;
    await expect(
      asrFor(fake, { apiKey: 'sk-wrong', maxAttempts: 3 }).transcribeFile(path),
    ).rejects.toMatchObject({
      code: 'ASR_FAILED',
      retryable: false,
      message: expect.stringContaining('401 invalid_api_key'),
    });
    expect(fake.transcriptionRequests()).toHaveLength(before); // refused before the form was read
    expect(fake.requests).toHaveLength(before + 1);
  });

  it('stops the other chunks at the first failure, and refuses a file that is not audio without a request', async () => {
    const fake = await server();
    const path = await toneFile([{ word: 2, start: 1, end: 2 }], 100);
    fake.enqueue({ kind: 'error', status: 400, message: 'Invalid file format.' });
    await expect(
      asrFor(fake, { chunkSec: 10, overlapSec: 0, concurrency: 2 }).transcribeFile(path),
    ).rejects.toMatchObject({
      code: 'ASR_FAILED',
      retryable: false,
    });
    // 10 chunks; the failure stopped those not yet started.
    expect(fake.transcriptionRequests().length).toBeLessThanOrEqual(3);

    const notAudio = join(work.dir, 'notes.mp3');
    await writeFile(notAudio, 'these are not the bytes of an MP3 file');
    const before = fake.requests.length;
    await expect(asrFor(fake).transcribeFile(notAudio)).rejects.toMatchObject({
      code: 'ASR_FAILED',
      retryable: false,
    });
    expect(fake.requests).toHaveLength(before);
  });

  it('rejects with the abort reason when the caller aborts', async () => {
    const fake = await server();
    const path = await toneFile(SHORT, 60);
    const controller = new AbortController();
    const reason = new Error('job cancelled');
    const running = asrFor(fake, { chunkSec: 10, overlapSec: 0, concurrency: 1 }).transcribeFile(path, {
      signal: controller.signal,
    });
    controller.abort(reason);
    await expect(running).rejects.toBe(reason);
    expect(fake.transcriptionRequests().length).toBeLessThan(6);
  });
});

describe('createAsrProvider', () => {
  it('is null for ASR_PROVIDER=none, and sends OPENAI_API_KEY only to OPENAI_BASE_URL', async () => {
    expect(createAsrProvider(parseConfig('audio', {}), ffmpegInstaller.path)).toBeNull();

    const fake = await server();
    const path = await toneFile(SHORT, 6);
    const shared = createAsrProvider(
      parseConfig('audio', {
        ASR_PROVIDER: 'openai',
        OPENAI_BASE_URL: fake.url,
        OPENAI_API_KEY: 'sk-shared',
      }),
      ffmpegInstaller.path,
    );
    expectHeard(await shared!.transcribeFile(path), SHORT);
    expect(fake.requests.at(-1)!.headers.authorization).toBe('Bearer sk-shared');

    const separate = createAsrProvider(
      parseConfig('audio', {
        ASR_PROVIDER: 'openai',
        OPENAI_API_KEY: 'sk-shared',
        OPENAI_ASR_BASE_URL: fake.url,
        OPENAI_ASR_MODEL: 'Systran/faster-whisper-small',
      }),
      ffmpegInstaller.path,
    );
    expectHeard(await separate!.transcribeFile(path), SHORT);
    expect(fake.requests.at(-1)!.headers.authorization).toBeUndefined();
    expect(fake.transcriptionRequests().at(-1)!.model).toBe('Systran/faster-whisper-small');
  });
});

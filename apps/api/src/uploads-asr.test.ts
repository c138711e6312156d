// Speech to text for uploads through the fleet: an upload without a transcript gets one from the
// configured ASR provider (a local fake transcription server that hears tones, built from config
// as the audio worker builds it); without ASR it stays empty and clip requests answer 409.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ffmpegPath } from '@podfleet/assembly';
import { parseConfig } from '@podfleet/config';
import { createAsrProvider } from '@podfleet/providers';
import {
  FAKE_ASR_WORDS,
  type FakeTranscription,
  type FakeUtterance,
  startFakeTranscription,
  toneSpeechPcm,
} from '@podfleet/providers/testing';
import { makeTempDir, waitFor } from '@podfleet/test-kit';
import request from 'supertest';
import { startTestFleet, type TestFleet } from '../test/fleet';
import { bearer, startTestApi, type TestApi, testEnv } from '../test/harness';

const UTTERANCES: FakeUtterance[] = [
  { word: 0, start: 0.5, end: 2 },
  { word: 4, start: 3, end: 4.5 },
  { word: 9, start: 5.5, end: 7.5 },
];

describe('uploads without a transcript', () => {
  const env = testEnv(process.env, 'uploads-asr');
  let t: TestApi;
  let tmp: { dir: string; remove(): Promise<void> };
  let fake: FakeTranscription;
  let key: string;
  let mp3: string;

  const finished = (jobId: string) =>
    waitFor(
      async () => {
        const { body } = await request(t.app).get(`/v1/jobs/${jobId}`).set(bearer(key)).expect(200);
        return ['completed', 'failed', 'cancelled'].includes(body.status) ? body : false;
      },
      { timeoutMs: 90_000, what: `job ${jobId} to finish` },
    );
  const upload = async (title: string) => {
    const ticket = await request(t.app)
      .post('/v1/uploads')
      .set(bearer(key))
      .attach('audio', mp3, 'talk.mp3')
      .field('title', title)
      .expect(202);
    return finished(ticket.body.jobId);
  };

  beforeAll(async () => {
    tmp = await makeTempDir('podfleet-uploads-asr-');
    fake = await startFakeTranscription();
    t = await startTestApi(env);
    await t.listen();
    key = (await t.createUser()).key;
    mp3 = join(tmp.dir, 'talk.mp3');
    const run = spawnSync(
      ffmpegPath(),
      [
        ...['-hide_banner', '-v', 'error', '-y', '-f', 's16le', '-ar', '16000', '-ac', '1', '-i', 'pipe:0'],
        ...['-c:a', 'libmp3lame', '-b:a', '64k', mp3],
      ],
      { input: toneSpeechPcm(UTTERANCES, 9) },
    );
    if (run.status !== 0) throw new Error(run.stderr.toString());
  });
  afterAll(async () => {
    await t?.close();
    await fake?.close();
    await tmp?.remove();
  });

  describe('with ASR_PROVIDER=openai', () => {
    let fleet: TestFleet;
    beforeAll(async () => {
      const asr = createAsrProvider(
        parseConfig('audio', { ASR_PROVIDER: 'openai', OPENAI_ASR_BASE_URL: fake.url }),
        ffmpegPath(),
      );
      fleet = await startTestFleet(env, t.api.pipeline, { kind: 'real', cacheDir: tmp.dir, asr });
    });
    afterAll(async () => {
      await fleet?.close();
    });

    it('transcribes the normalised MP3 into the episode transcript', async () => {
      const job = await upload('Spoken words');
      expect(job).toMatchObject({
        status: 'completed',
        error: null,
        providers: { transcript: 'asr:openai' },
      });
      expect(fake.transcriptionRequests()).toEqual([
        expect.objectContaining({
          model: 'whisper-1',
          responseFormat: 'verbose_json',
          fileName: 'chunk-0000.mp3',
        }),
      ]);
      const transcript = await request(t.app)
        .get(`/v1/episodes/${job.episodeId}/transcript`)
        .set(bearer(key))
        .expect(200);
      const segments = JSON.parse(transcript.text).segments as Array<{
        speaker: string;
        text: string;
        start: number;
        end: number;
      }>;
      expect(segments.map((s) => s.text)).toEqual(
        UTTERANCES.map(
          (u) => `${FAKE_ASR_WORDS[u.word]![0]!.toUpperCase()}${FAKE_ASR_WORDS[u.word]!.slice(1)}.`,
        ),
      );
      segments.forEach((s, i) => {
        expect(s.speaker).toBe('Speaker');
        // Normalising re-encodes the MP3: timings hold within MP3 frames and the fake's 20 ms windows.
        expect(Math.abs(s.start - UTTERANCES[i]!.start)).toBeLessThan(0.15);
        expect(Math.abs(s.end - UTTERANCES[i]!.end)).toBeLessThan(0.15);
      });
    });
  });

  describe('without ASR', () => {
    let fleet: TestFleet;
    beforeAll(async () => {
      fleet = await startTestFleet(env, t.api.pipeline, { kind: 'real', cacheDir: tmp.dir });
    });
    afterAll(async () => {
      await fleet?.close();
    });

    it('stays untranscribed, and a clip request says a transcript is needed (409)', async () => {
      const before = fake.transcriptionRequests().length;
      const job = await upload('Untranscribed');
      expect(job).toMatchObject({ status: 'completed', providers: { transcript: 'none' } });
      expect(fake.transcriptionRequests()).toHaveLength(before);
      const clips = await request(t.app)
        .post(`/v1/episodes/${job.episodeId}/clips`)
        .set(bearer(key))
        .send({ platform: 'generic' })
        .expect(409);
      expect(clips.body).toMatchObject({ detail: expect.stringContaining('a transcript is needed') });
    });
  });
});

// POST /v1/uploads through the fleet: real storage, PostgreSQL, Redis and ffmpeg. Audio is made
// with ffmpeg at test time (a few seconds, a few tens of KB).
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { dirname, join } from 'node:path';
import { ffmpegPath, measureLoudness, probeAudio } from '@podfleet/assembly';
import { makeTempDir, waitFor } from '@podfleet/test-kit';
import request from 'supertest';
import { startTestFleet, type TestFleet } from '../test/fleet';
import { bearer, startTestApi, type TestApi, testEnv } from '../test/harness';

/** The audio limit these tests run with: small enough to pass with a few seconds of WAV. */
const UPLOAD_MAX_BYTES = 200_000;

const VTT = [
  'WEBVTT',
  '',
  '00:00:00.000 --> 00:00:02.500',
  '<v Ava>Welcome back to the garden show.',
  '',
  '00:00:02.500 --> 00:00:05.000',
  '<v Ben>Today: tomatoes in small spaces.',
  '',
].join('\n');

describe('POST /v1/uploads', () => {
  const env = testEnv(process.env, 'uploads');
  let t: TestApi;
  let fleet: TestFleet;
  let base: string;
  let tmp: { dir: string; remove(): Promise<void> };
  let key: string;
  let userId: string;

  /** `seconds` of a warbling tone at a quiet level, mono 16 kHz, encoded by ffmpeg with `args`. */
  const audio = (file: string, seconds: number, args: string[]) => {
    const out = join(tmp.dir, file);
    const run = spawnSync(ffmpegPath(), [
      ...['-hide_banner', '-v', 'error', '-y', '-f', 'lavfi'],
      ...['-i', `sine=frequency=200:sample_rate=16000:duration=${seconds}`],
      ...['-af', 'volume=-20dB,aeval=val(0)*(0.6+0.4*sin(2*PI*4*t))'],
      ...args,
      out,
    ]);
    if (run.status !== 0) throw new Error(run.stderr.toString());
    return readFileSync(out);
  };

  /** The fs storage's root: its objects, and `.tmp/` where a write in progress sits. */
  const storageRoot = () => dirname(t.storage.localPath!('probe'));
  const inProgressWrites = () => {
    try {
      return readdirSync(join(storageRoot(), '.tmp'));
    } catch {
      return [];
    }
  };
  /** Staged uploads (`jobs/{jobId}/upload/…`) still in storage. */
  const stagedUploads = async () => (await t.storage.list('jobs/')).filter((k) => k.includes('/upload/'));
  const expectNothingStaged = async () => {
    expect(await stagedUploads()).toEqual([]);
    expect(inProgressWrites()).toEqual([]);
  };

  const jobOf = (jobId: string) => request(t.app).get(`/v1/jobs/${jobId}`).set(bearer(key)).expect(200);
  const finished = (jobId: string) =>
    waitFor(
      async () => {
        const { body } = await jobOf(jobId);
        return ['completed', 'failed', 'cancelled'].includes(body.status) ? body : false;
      },
      { timeoutMs: 60_000, what: `job ${jobId} to finish` },
    );

  beforeAll(async () => {
    tmp = await makeTempDir('podfleet-uploads-');
    t = await startTestApi(env, { settings: { uploadMaxBytes: UPLOAD_MAX_BYTES } });
    base = await t.listen();
    fleet = await startTestFleet(env, t.api.pipeline, { kind: 'real', cacheDir: tmp.dir });
    const created = await t.createUser();
    key = created.key;
    userId = created.user.id;
  });
  afterAll(async () => {
    await fleet?.close();
    await t?.close();
    await tmp?.remove();
  });

  it('MP3 + VTT: the job skips scrape and script, and publishes an upload episode at −16 LUFS with the VTT as its transcript', async () => {
    const mp3 = audio('show.mp3', 5, ['-c:a', 'libmp3lame', '-b:a', '48k']);
    const ticket = await request(t.app)
      .post('/v1/uploads')
      .set(bearer(key))
      .attach('audio', mp3, 'show.mp3')
      .attach('transcript', Buffer.from(VTT), 'show.vtt')
      .field('title', 'Tomatoes in small spaces')
      .expect(202);
    expect(ticket.body).toEqual({
      jobId: expect.any(String),
      status: 'queued',
      pollUrl: `${new URL(ticket.body.pollUrl).origin}/v1/jobs/${ticket.body.jobId}`,
      eventsUrl: `${ticket.body.pollUrl}/events`,
      deduplicated: false,
    });
    const job = await finished(ticket.body.jobId);
    expect(job).toMatchObject({
      status: 'completed',
      progress: 100,
      error: null,
      providers: { transcript: 'uploaded' },
    });

    const stages = await t.db.jobStage.findMany({ where: { jobId: job.id }, orderBy: { stage: 'asc' } });
    expect(Object.fromEntries(stages.map((s) => [s.stage, s.status]))).toEqual({
      scrape: 'skipped',
      script: 'skipped',
      audio: 'completed',
      upload: 'completed',
    });

    const episode = await request(t.app).get(`/v1/episodes/${job.episodeId}`).set(bearer(key)).expect(200);
    expect(episode.body).toMatchObject({
      type: 'upload',
      title: 'Tomatoes in small spaces',
      description: 'Welcome back to the garden show. Today: tomatoes in small spaces.',
      mimeType: 'audio/mpeg',
      sources: [],
    });
    expect(episode.body.durationSec).toBeGreaterThan(4.9);
    expect(episode.body.durationSec).toBeLessThan(5.2);
    const list = await request(t.app).get('/v1/episodes').set(bearer(key)).expect(200);
    expect(list.body.items.map((e: { id: string }) => e.id)).toContain(job.episodeId);

    const transcript = await request(t.app)
      .get(`/v1/episodes/${job.episodeId}/transcript`)
      .set(bearer(key))
      .expect(200);
    expect(JSON.parse(transcript.text).segments).toEqual([
      { speaker: 'Ava', text: 'Welcome back to the garden show.', start: 0, end: 2.5 },
      { speaker: 'Ben', text: 'Today: tomatoes in small spaces.', start: 2.5, end: 5 },
    ]);

    // The MP3 as a listener gets it (signed URL, no key), read back by ffmpeg's demuxer and meter.
    const signed = new URL(episode.body.audioUrl);
    const served = await request(t.app)
      .get(`${signed.pathname}${signed.search}`)
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      })
      .expect(200);
    const published = join(tmp.dir, 'published.mp3');
    writeFileSync(published, served.body as Buffer);
    expect(await probeAudio(published)).toMatchObject({ codec: 'mp3', sampleRate: 44100, channels: 1 });
    const loudness = await measureLoudness(published);
    expect(Math.abs(loudness.integratedLufs - -16)).toBeLessThanOrEqual(1.5);
    expect(loudness.truePeakDb).toBeLessThanOrEqual(-0.9);

    // The staged upload is gone once the episode is out; the feed lists the episode.
    expect(await stagedUploads()).toEqual([]);
    const me = await request(t.app).get('/v1/me').set(bearer(key)).expect(200);
    const feed = await request(t.app).get(new URL(me.body.feedUrl).pathname).expect(200);
    expect(feed.text).toContain('Tomatoes in small spaces');
  });

  it('a WAV named .mp3 is taken for what its bytes are, and becomes an episode with an empty transcript', async () => {
    const wav = audio('disguised.wav', 3, []);
    const ticket = await request(t.app)
      .post('/v1/uploads')
      .set(bearer(key))
      .attach('audio', wav, { filename: 'really.mp3', contentType: 'audio/mpeg' })
      .field('title', 'Disguised')
      .expect(202);
    const job = await finished(ticket.body.jobId);
    expect(job).toMatchObject({ status: 'completed', providers: { transcript: 'none' } });
    const row = await t.db.job.findUniqueOrThrow({ where: { id: job.id } });
    expect(row.type).toBe('upload');
    expect(row.request).toMatchObject({
      upload: { format: 'wav', filename: 'really.mp3', transcriptKey: null },
    });
    const episode = await t.db.episode.findUniqueOrThrow({ where: { id: job.episodeId } });
    expect(episode).toMatchObject({ type: 'upload', title: 'Disguised', transcript: [] });
    expect(episode.description).toBe('Uploaded "really.mp3" (0:03).');
  });

  it('a text file named .mp3: 415 naming what it is not, nothing stored, no job', async () => {
    const jobsBefore = await t.db.job.count({ where: { userId } });
    const res = await request(t.app)
      .post('/v1/uploads')
      .set(bearer(key))
      .attach('audio', Buffer.from('These are my show notes.\nNot audio at all.\n'), 'notes.mp3')
      .field('title', 'Notes')
      .expect(415);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({
      type: 'urn:podfleet:problem:unsupported-audio-type',
      detail: 'the file is not audio of a known format',
      errors: [{ path: 'audio' }],
    });
    await expectNothingStaged();
    expect(await t.db.job.count({ where: { userId } })).toBe(jobsBefore);
  });

  it('over UPLOAD_MAX_BYTES: 413 while streaming (the partial object removed), and at once from Content-Length', async () => {
    const wav = audio('long.wav', 8, []); // 256 KB of 16-bit 16 kHz mono
    expect(wav.length).toBeGreaterThan(UPLOAD_MAX_BYTES);
    const streamed = await request(t.app)
      .post('/v1/uploads')
      .set(bearer(key))
      .field('title', 'Too long')
      .attach('audio', wav, 'long.wav')
      .expect(413);
    expect(streamed.body).toMatchObject({
      type: 'urn:podfleet:problem:upload-too-large',
      detail: `the audio file is larger than ${UPLOAD_MAX_BYTES} bytes (UPLOAD_MAX_BYTES)`,
    });
    await expectNothingStaged();

    const huge = Buffer.alloc(6 * 1024 * 1024, 1);
    const declared = await request(t.app)
      .post('/v1/uploads')
      .set(bearer(key))
      .field('title', 'Huge')
      .attach('audio', Buffer.concat([wav.subarray(0, 44), huge]), 'huge.wav')
      .expect(413);
    expect(declared.body.detail).toMatch(
      /^the upload is \d+ bytes; audio files may be at most 200000 bytes$/,
    );
    await expectNothingStaged();
  });

  it('an upload the client abandons mid-stream leaves nothing behind', async () => {
    const wav = audio('abandoned.wav', 5, []);
    const boundary = 'podfleet-abort-test';
    const head = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="title"\r\n\r\nAbandoned\r\n` +
        `--${boundary}\r\nContent-Disposition: form-data; name="audio"; filename="a.wav"\r\n` +
        'Content-Type: audio/wav\r\n\r\n',
    );
    const jobsBefore = await t.db.job.count({ where: { userId } });
    const req = httpRequest(`${base}/v1/uploads`, {
      method: 'POST',
      headers: {
        ...bearer(key),
        'Content-Type': `multipart/form-data; boundary=${boundary}`,
        'Content-Length': String(head.length + wav.length + 100),
      },
    });
    req.on('error', () => {}); // the socket we destroy
    req.write(Buffer.concat([head, wav.subarray(0, 60_000)]));
    // The audio passed the sniff and is being written to storage when the client goes.
    await waitFor(() => inProgressWrites().length > 0, { what: 'the upload to be streaming into storage' });
    req.destroy();
    await waitFor(async () => inProgressWrites().length === 0 && (await stagedUploads()).length === 0, {
      what: 'the partial upload to be removed',
    });
    expect(await t.db.job.count({ where: { userId } })).toBe(jobsBefore);
  });

  it('an invalid transcript: 422 naming its line, and the audio already received is removed', async () => {
    const mp3 = audio('with-bad-vtt.mp3', 2, ['-c:a', 'libmp3lame']);
    const res = await request(t.app)
      .post('/v1/uploads')
      .set(bearer(key))
      .attach('audio', mp3, 'a.mp3')
      .attach(
        'transcript',
        Buffer.from('WEBVTT\n\n00:00:00.000 --> 00:00:01.000\nHi.\n\n00:00:05.000 --> 00:00:03.000\nBack.\n'),
        'a.vtt',
      )
      .field('title', 'Bad transcript')
      .expect(422);
    expect(res.body).toMatchObject({
      type: 'urn:podfleet:problem:invalid-transcript',
      detail: 'line 6: the cue ends (00:00:03.000) before it starts (00:00:05.000)',
      errors: [{ path: 'transcript' }],
    });
    await expectNothingStaged();
  });

  it('missing title or audio, or not multipart: clear 4xx', async () => {
    const mp3 = audio('untitled.mp3', 1, ['-c:a', 'libmp3lame']);
    const untitled = await request(t.app)
      .post('/v1/uploads')
      .set(bearer(key))
      .attach('audio', mp3, 'a.mp3')
      .expect(422);
    expect(untitled.body.errors).toEqual([{ path: 'title', message: 'give the episode a title' }]);
    await request(t.app).post('/v1/uploads').set(bearer(key)).field('title', 'No audio').expect(422);
    await request(t.app).post('/v1/uploads').set(bearer(key)).send({ title: 'json' }).expect(415);
    await expectNothingStaged();
  });

  it('garbled audio behind a valid header: the job fails with AUDIO_UNDECODABLE saying why, and can be retried', async () => {
    const good = audio('good.mp3', 3, ['-c:a', 'libmp3lame', '-b:a', '64k']);
    const garbled = Buffer.concat([good.subarray(0, 600), randomBytes(30_000)]);
    const ticket = await request(t.app)
      .post('/v1/uploads')
      .set(bearer(key))
      .attach('audio', garbled, 'garbled.mp3')
      .field('title', 'Garbled')
      .expect(202);
    const failed = await finished(ticket.body.jobId);
    expect(failed).toMatchObject({ status: 'failed', episodeId: null, error: { code: 'AUDIO_UNDECODABLE' } });
    expect(failed.error.message).toMatch(/cannot be decoded|could be decoded/);
    // Not retried by the stage (no attempt could help), but the job can be retried as any failed job.
    const stage = await t.db.jobStage.findUniqueOrThrow({
      where: { jobId_stage: { jobId: failed.id, stage: 'audio' } },
    });
    expect(stage).toMatchObject({ status: 'failed', attempts: 1, errorCode: 'AUDIO_UNDECODABLE' });
    // The upload stays staged among the job's artifacts, for the retry (retention removes it later).
    expect(await stagedUploads()).toEqual([`jobs/${failed.id}/upload/audio.mp3`]);
    const retried = await request(t.app).post(`/v1/jobs/${failed.id}/retry`).set(bearer(key)).expect(202);
    expect(retried.body.status).toBe('queued');
    // The retry answered `queued` from the database: the next end it reaches is the retry's own.
    const again = await finished(failed.id);
    expect(again).toMatchObject({ status: 'failed', error: { code: 'AUDIO_UNDECODABLE' } });
    const runs = await t.db.jobEvent.count({ where: { jobId: failed.id, type: 'stage_failed' } });
    expect(runs).toBe(2);
  });
});

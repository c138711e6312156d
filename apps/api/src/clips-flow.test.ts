// Promo clips through the fleet: a generated episode (offline espeak + ffmpeg), a clips job made by
// the API and run by the real clips stage, its media checked by what libavformat reads of them.
import { spawnSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ffmpegPath } from '@podfleet/assembly';
import { probeMedia } from '@podfleet/assembly/testing';
import { makeTempDir, waitFor } from '@podfleet/test-kit';
import request from 'supertest';
import { startTestFleet, type TestFleet } from '../test/fleet';
import { ADMIN_KEY, bearer, startTestApi, type TestApi, testEnv } from '../test/harness';
import { openSse } from '../test/sse-client';

const source = {
  kind: 'text',
  title: 'The river cleanup',
  text:
    'Volunteers removed four tons of plastic from the river on Saturday. The city council thanked them. ' +
    'Organisers plan a second cleanup in the spring and hope to double the number of volunteers. ' +
    'Local schools will join the effort and teach pupils about waste.',
};

type Clip = {
  id: string;
  episodeId: string;
  startSec: number;
  endSec: number;
  durationSec: number;
  score: number;
  confidence: string;
  features: Record<string, { value: number; weight: number }>;
  media: { mp3Url: string | null; mp4Url: string | null };
};

describe('promo clips of a generated episode and of an upload', () => {
  const env = testEnv(process.env, 'clips-flow');
  let t: TestApi;
  let fleet: TestFleet;
  let base: string;
  let tts: { dir: string; remove(): Promise<void> };
  let files: { dir: string; remove(): Promise<void> };
  let key: string;
  let episode: { id: string; durationSec: number };

  /** Runs the job behind a ticket to its end over SSE; returns the stream's events. */
  const finish = async (jobId: string, apiKey = key) => {
    const stream = await openSse(`${base}/v1/jobs/${jobId}/events`, bearer(apiKey));
    await waitFor(() => stream.isEnded(), { timeoutMs: 90_000, what: `job ${jobId} to end` });
    return stream.events;
  };

  /** Downloads a signed media URL without credentials; returns the file. */
  const download = async (url: string, name: string) => {
    const signed = new URL(url);
    const res = await request(t.app)
      .get(`${signed.pathname}${signed.search}`)
      .buffer(true)
      .parse((r, done) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => done(null, Buffer.concat(chunks)));
      })
      .expect(200);
    const file = join(files.dir, name);
    await writeFile(file, res.body as Buffer);
    return { file, res };
  };

  beforeAll(async () => {
    tts = await makeTempDir('podfleet-clips-tts-');
    files = await makeTempDir('podfleet-clips-media-');
    t = await startTestApi(env);
    base = await t.listen();
    fleet = await startTestFleet(env, t.api.pipeline, { kind: 'real', cacheDir: tts.dir });
    ({ key } = await t.createUser());
    const ticket = await request(t.app)
      .post('/v1/episodes')
      .set(bearer(key))
      .send({ type: 'custom', sources: [source], style: { targetMinutes: 0.5 } })
      .expect(202);
    const events = await finish(ticket.body.jobId);
    const done = events.at(-1)?.data as { episodeId: string };
    episode = (await request(t.app).get(`/v1/episodes/${done.episodeId}`).set(bearer(key)).expect(200)).body;
  });
  afterAll(async () => {
    await fleet?.close();
    await t?.close();
    await tts?.remove();
    await files?.remove();
  });

  const clipsBody = { platform: 'generic', count: 2, minSec: 12, maxSec: 20, formats: ['mp4', 'mp3'] };

  it('makes a clips job whose progress streams to completion, then serves the clips and their media', async () => {
    const ticket = await request(t.app)
      .post(`/v1/episodes/${episode.id}/clips`)
      .set(bearer(key))
      .send(clipsBody)
      .expect(202);
    expect(ticket.body).toMatchObject({
      jobId: expect.any(String),
      status: 'queued',
      pollUrl: expect.stringMatching(new RegExp(`/v1/jobs/${ticket.body.jobId}$`)),
      eventsUrl: expect.stringMatching(/\/events$/),
    });
    const events = await finish(ticket.body.jobId);
    expect(events.at(-1)).toMatchObject({ event: 'completed', data: { status: 'completed', progress: 100 } });
    const progress = events
      .filter((e) => e.event === 'progress')
      .map((e) => e.data as { phase: string; progress: number });
    expect(progress.length).toBeGreaterThan(0);
    expect(new Set(progress.map((p) => p.phase))).toEqual(new Set(['clips']));
    expect(progress.map((p) => p.progress)).toEqual(
      [...progress.map((p) => p.progress)].sort((a, b) => a - b),
    );

    const job = (await request(t.app).get(`/v1/jobs/${ticket.body.jobId}`).set(bearer(key)).expect(200)).body;
    expect(job).toMatchObject({
      type: 'clips',
      status: 'completed',
      phase: 'clips',
      progress: 100,
      error: null,
    });
    const history = (await request(t.app).get(`/v1/jobs/${job.id}/history`).set(bearer(key)).expect(200))
      .body;
    expect(history.stages.map((s: { stage: string; status: string }) => [s.stage, s.status])).toEqual([
      ['clips', 'completed'],
    ]);

    const { items } = (
      await request(t.app).get(`/v1/episodes/${episode.id}/clips`).set(bearer(key)).expect(200)
    ).body as { items: Clip[] };
    expect(items.length).toBeGreaterThanOrEqual(1);
    expect(items.length).toBeLessThanOrEqual(2);
    for (const clip of items) {
      expect(clip.episodeId).toBe(episode.id);
      expect(clip.durationSec).toBeGreaterThanOrEqual(12);
      expect(clip.durationSec).toBeLessThanOrEqual(20);
      expect(clip.endSec).toBeLessThanOrEqual(episode.durationSec + 0.1);
      expect(['high', 'medium', 'low']).toContain(clip.confidence);
      expect(Object.keys(clip.features)).toEqual(
        expect.arrayContaining(['hook', 'completeThought', 'speakerTurns', 'energy', 'topic', 'lengthFit']),
      );
    }
    // Chosen windows never overlap.
    const byStart = [...items].sort((a, b) => a.startSec - b.startSec);
    for (let i = 1; i < byStart.length; i++)
      expect(byStart[i]!.startSec).toBeGreaterThanOrEqual(byStart[i - 1]!.endSec);

    const clip = items[0]!;
    // (Media URLs name the host each request came to: supertest listens anew for each.)
    const { media: _media, ...fields } = clip;
    expect(
      (await request(t.app).get(`/v1/clips/${clip.id}`).set(bearer(key)).expect(200)).body,
    ).toMatchObject(fields);
    const mp4 = await download(clip.media.mp4Url!, 'clip.mp4');
    expect(mp4.res.headers['content-type']).toBe('video/mp4');
    const video = await probeMedia(mp4.file);
    expect(video.video).toEqual({ codec: 'h264', width: 1080, height: 1920 });
    expect(video.audio).toBe('aac');
    expect(Math.abs(video.durationSec - clip.durationSec)).toBeLessThanOrEqual(0.1);
    const mp3 = await download(clip.media.mp3Url!, 'clip.mp3');
    expect(mp3.res.headers['content-type']).toBe('audio/mpeg');
    const audio = await probeMedia(mp3.file);
    expect(audio.audio).toBe('mp3');
    expect(Math.abs(audio.durationSec - clip.durationSec)).toBeLessThanOrEqual(0.1);
    // The Clip row counts both media.
    const row = await t.db.clip.findUniqueOrThrow({ where: { id: clip.id } });
    expect(Number(row.sizeBytes)).toBe(mp4.res.body.length + mp3.res.body.length);
    expect(row.mp4Key).toMatch(/^clips\//);

    // Range, like episode audio; the signature covers the format; the owner's key works too.
    const signed = new URL(clip.media.mp4Url!);
    const range = await request(t.app)
      .get(`${signed.pathname}${signed.search}`)
      .set('Range', 'bytes=0-9')
      .expect(206);
    expect(range.headers['content-range']).toBe(`bytes 0-9/${mp4.res.body.length}`);
    await request(t.app)
      .get(`${signed.pathname}${signed.search.replace('format=mp4', 'format=mp3')}`)
      .expect(403);
    await request(t.app).get(`/v1/clips/${clip.id}/media?format=mp3`).set(bearer(key)).expect(200);

    // The same request again: answered with those clips, no new job.
    const jobsBefore = await t.db.job.count({ where: { type: 'clips' } });
    const again = await request(t.app)
      .post(`/v1/episodes/${episode.id}/clips`)
      .set(bearer(key))
      .send({ ...clipsBody, formats: ['mp3', 'mp4', 'mp3'] })
      .expect(200);
    expect((again.body.items as Clip[]).map((c) => c.id).sort()).toEqual(items.map((c) => c.id).sort());
    expect(await t.db.job.count({ where: { type: 'clips' } })).toBe(jobsBefore);
  });

  it('cuts clips of an uploaded MP3 from its VTT transcript, their media as long as the clips', async () => {
    // 36 s of speech-like tone, and a cue every 3 s (two hosts taking turns, questions and numbers).
    const mp3 = join(files.dir, 'upload.mp3');
    const made = spawnSync(ffmpegPath(), [
      ...['-hide_banner', '-v', 'error', '-y', '-f', 'lavfi'],
      ...['-i', 'sine=frequency=180:sample_rate=16000:duration=36'],
      ...['-af', 'volume=-18dB,aeval=val(0)*(0.6+0.4*sin(2*PI*3*t))'],
      ...['-c:a', 'libmp3lame', '-b:a', '48k', mp3],
    ]);
    if (made.status !== 0) throw new Error(made.stderr.toString());
    const stamp = (sec: number) => `00:00:${String(sec).padStart(2, '0')}.000`;
    const cues = Array.from({ length: 12 }, (_, i) => {
      const text =
        i % 3 === 0
          ? `Why did the garden produce ${i + 3} kilos of tomatoes this year?`
          : `Because the soil was rich and ${i + 2} volunteers watered it every morning.`;
      return `${stamp(i * 3)} --> ${stamp(i * 3 + 3)}\n<v ${i % 2 === 0 ? 'Ava' : 'Ben'}>${text}\n`;
    });
    const ticket = await request(t.app)
      .post('/v1/uploads')
      .set(bearer(key))
      .attach('audio', await readFile(mp3), 'garden.mp3')
      .attach('transcript', Buffer.from(['WEBVTT', '', ...cues].join('\n')), 'garden.vtt')
      .field('title', 'The garden show')
      .expect(202);
    const done = (await finish(ticket.body.jobId)).at(-1)!;
    expect(done).toMatchObject({ event: 'completed' });
    const uploaded = (done.data as { episodeId: string }).episodeId;

    const clipsTicket = await request(t.app)
      .post(`/v1/episodes/${uploaded}/clips`)
      .set(bearer(key))
      .send({ platform: 'reels', count: 1, minSec: 12, maxSec: 20, formats: ['mp3', 'mp4'] })
      .expect(202);
    expect((await finish(clipsTicket.body.jobId)).at(-1)).toMatchObject({ event: 'completed' });
    const { items } = (
      await request(t.app).get(`/v1/episodes/${uploaded}/clips`).set(bearer(key)).expect(200)
    ).body as { items: Clip[] };
    expect(items).toHaveLength(1);
    const clip = items[0]!;
    // Windows start and end on cue boundaries (every 3 s).
    expect(clip.startSec % 3).toBeCloseTo(0, 6);
    expect(clip.endSec % 3).toBeCloseTo(0, 6);
    expect(clip.durationSec).toBeGreaterThanOrEqual(12);
    expect(clip.durationSec).toBeLessThanOrEqual(20);
    const video = await probeMedia((await download(clip.media.mp4Url!, 'upload-clip.mp4')).file);
    expect(video.video).toEqual({ codec: 'h264', width: 1080, height: 1920 });
    expect(video.audio).toBe('aac');
    expect(Math.abs(video.durationSec - clip.durationSec)).toBeLessThanOrEqual(0.1);
    const audio = await probeMedia((await download(clip.media.mp3Url!, 'upload-clip.mp3')).file);
    expect(audio.audio).toBe('mp3');
    expect(Math.abs(audio.durationSec - clip.durationSec)).toBeLessThanOrEqual(0.1);
  });

  it('answers 422 when no clip of the asked length fits, 409 without a timed transcript', async () => {
    const tooShort = await request(t.app)
      .post(`/v1/episodes/${episode.id}/clips`)
      .set(bearer(key))
      .send({ count: 1, minSec: 60, maxSec: 60 })
      .expect(422);
    expect(tooShort.body).toMatchObject({
      type: expect.stringMatching(/episode-too-short$/),
      code: 'EPISODE_TOO_SHORT',
    });
    expect(tooShort.body.detail).toMatch(/no clip of 60–60 s fits/);

    const original = await t.db.episode.findUniqueOrThrow({ where: { id: episode.id } });
    const madeBy = await t.db.job.create({
      data: { userId: original.userId, type: 'custom', request: {}, status: 'completed' },
    });
    const untimed = await t.db.episode.create({
      data: {
        jobId: madeBy.id,
        userId: original.userId,
        type: 'custom',
        title: 'No transcript',
        description: '',
        audioKey: original.audioKey,
        sizeBytes: original.sizeBytes,
        durationSec: original.durationSec,
        transcript: [{ speaker: 'Ava', text: 'Words without times.' }],
      },
    });
    const needed = await request(t.app)
      .post(`/v1/episodes/${untimed.id}/clips`)
      .set(bearer(key))
      .send({ count: 1 })
      .expect(409);
    expect(needed.body.detail).toMatch(/a transcript is needed/);
  });

  it("hides another user's episodes and clips (404), and deletes a clip with its media", async () => {
    const { items } = (
      await request(t.app).get(`/v1/episodes/${episode.id}/clips`).set(bearer(key)).expect(200)
    ).body as { items: Clip[] };
    const clip = items[0]!;
    const other = await t.createUser();
    await request(t.app)
      .post(`/v1/episodes/${episode.id}/clips`)
      .set(bearer(other.key))
      .send({ count: 1 })
      .expect(404);
    await request(t.app).get(`/v1/episodes/${episode.id}/clips`).set(bearer(other.key)).expect(404);
    await request(t.app).get(`/v1/clips/${clip.id}`).set(bearer(other.key)).expect(404);
    await request(t.app).get(`/v1/clips/${clip.id}/media?format=mp4`).set(bearer(other.key)).expect(404);
    await request(t.app).delete(`/v1/clips/${clip.id}`).set(bearer(other.key)).expect(404);
    await request(t.app).get(`/v1/clips/${clip.id}`).set(bearer(ADMIN_KEY)).expect(200);

    const row = await t.db.clip.findUniqueOrThrow({ where: { id: clip.id } });
    await request(t.app).delete(`/v1/clips/${clip.id}`).set(bearer(key)).expect(204);
    await request(t.app).get(`/v1/clips/${clip.id}`).set(bearer(key)).expect(404);
    expect(await t.storage.head(row.mp3Key!)).toBeNull();
    expect(await t.storage.head(row.mp4Key!)).toBeNull();
    await request(t.app).delete(`/v1/clips/${clip.id}`).set(bearer(key)).expect(404);
  });

  it('cancels and retries a clips job like any job', async () => {
    const ticket = await request(t.app)
      .post(`/v1/episodes/${episode.id}/clips`)
      .set(bearer(key))
      .send({ platform: 'x', count: 1, formats: ['mp3'] })
      .expect(202);
    const id = ticket.body.jobId as string;
    const cancelled = await request(t.app).delete(`/v1/jobs/${id}`).set(bearer(key)).expect(200);
    expect(cancelled.body).toMatchObject({ id, type: 'clips', status: 'cancelled' });
    await waitFor(async () => (await t.api.pipeline.queues.clips.getJobCounts('active')).active === 0, {
      what: 'the clips worker to let go of the cancelled job',
    });

    const retried = await request(t.app).post(`/v1/jobs/${id}/retry`).set(bearer(key)).expect(202);
    expect(retried.body).toMatchObject({ id, status: 'queued', error: null });
    const events = await finish(id);
    expect(events.at(-1)).toMatchObject({ event: 'completed' });
    const clips = await t.db.clip.findMany({ where: { jobId: id } });
    expect(clips).toHaveLength(1);
    expect(clips[0]).toMatchObject({ platform: 'x', mp4Key: null, mp3Key: expect.stringMatching(/\.mp3$/) });
    expect(await t.db.job.findUniqueOrThrow({ where: { id } })).toMatchObject({
      status: 'completed',
      run: 2,
    });
  });
});

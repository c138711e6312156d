// The API driving the real job lifecycle: in-process workers (see testing/fleet.ts) run the
// flows the API enqueues, and the API reports what they do.
import { ProviderError } from '@podfleet/providers';
import { type FakeServer, makeTempDir, startHttpServer, waitFor } from '@podfleet/test-kit';
import { verifySignature } from '@podfleet/webhooks';
import request from 'supertest';
import { startTestFleet, type TestFleet } from '../test/fleet';
import { ADMIN_KEY, bearer, startTestApi, type TestApi, testEnv } from '../test/harness';
import { openSse } from '../test/sse-client';
import { parseVtt } from '../test/subtitles';

const source = {
  kind: 'text',
  title: 'The river cleanup',
  text:
    'Volunteers removed four tons of plastic from the river on Saturday. The city council thanked them. ' +
    'Organisers plan a second cleanup in the spring and hope to double the number of volunteers. ' +
    'Local schools will join the effort and teach pupils about waste.',
};
const body = (extra: object = {}) => ({
  type: 'custom',
  sources: [source],
  style: { targetMinutes: 0.5 },
  ...extra,
});

type Progress = { status: string; phase: string | null; progress: number };

function expectMonotonic(events: Array<{ event: string; data: unknown }>) {
  const values = events.filter((e) => e.event === 'progress').map((e) => (e.data as Progress).progress);
  expect(values).toEqual([...values].sort((a, b) => a - b));
}

describe('with real stages (espeak + ffmpeg audio)', () => {
  const env = testEnv(process.env, 'flow-real');
  let t: TestApi;
  let fleet: TestFleet;
  let base: string;
  let cache: { dir: string; remove(): Promise<void> };
  let receiver: FakeServer;

  beforeAll(async () => {
    cache = await makeTempDir('podfleet-api-tts-');
    t = await startTestApi(env);
    base = await t.listen();
    fleet = await startTestFleet(env, t.api.pipeline, { kind: 'real', cacheDir: cache.dir });
    receiver = await startHttpServer((_req, res) => {
      res.writeHead(204).end();
    });
  });
  afterAll(async () => {
    await fleet?.close();
    await t?.close();
    await receiver?.close();
    await cache?.remove();
  });

  it('streams progress to completion, then serves the episode, its audio and transcript, and signs the webhook', async () => {
    const { key } = await t.createUser();
    const me = await request(t.app).get('/v1/me').set(bearer(key)).expect(200);
    const ticket = await request(t.app)
      .post('/v1/episodes')
      .set(bearer(key))
      .send(body({ webhookUrl: `${receiver.url}/hook` }))
      .expect(202);
    const stream = await openSse(`${base}/v1/jobs/${ticket.body.jobId}/events`, bearer(key));
    await waitFor(() => stream.isEnded(), { timeoutMs: 60_000, what: 'the job to finish' });

    const names = stream.events.map((e) => e.event);
    expect(names.at(-1)).toBe('completed');
    expect(names.filter((n) => n !== 'progress')).toEqual(['completed']);
    expectMonotonic(stream.events);
    const phases = [
      ...new Set(stream.events.filter((e) => e.event === 'progress').map((e) => (e.data as Progress).phase)),
    ];
    expect(phases).toEqual(expect.arrayContaining(['audio', 'upload']));
    const final = stream.events.at(-1)?.data as { episodeId: string; progress: number };
    expect(final.progress).toBe(100);

    const episode = await request(t.app).get(`/v1/episodes/${final.episodeId}`).set(bearer(key)).expect(200);
    expect(episode.body.durationSec).toBeGreaterThan(1);
    const signed = new URL(episode.body.audioUrl);
    const head = await request(t.app)
      .get(`${signed.pathname}${signed.search}`)
      .set('Range', 'bytes=0-2')
      .expect(206);
    expect(head.headers['content-range']).toBe(`bytes 0-2/${episode.body.sizeBytes}`);

    const vtt = await request(t.app)
      .get(`/v1/episodes/${final.episodeId}/transcript?format=vtt`)
      .set(bearer(key))
      .expect(200);
    const cues = parseVtt(vtt.text);
    expect(cues.length).toBeGreaterThan(1);
    expect(cues.every((c, i) => c.end >= c.start && (i === 0 || c.start >= cues[i - 1]!.start))).toBe(true);
    expect(cues.at(-1)!.end).toBeLessThanOrEqual(episode.body.durationSec + 0.5);

    await waitFor(() => receiver.requests.length > 0, { what: 'the webhook' });
    const delivery = receiver.requests[0]!;
    expect(
      verifySignature(
        me.body.webhookSecret,
        delivery.body.toString('utf8'),
        delivery.headers['x-podfleet-signature'] as string,
      ),
    ).toBe(true);
    expect(JSON.parse(delivery.body.toString('utf8'))).toMatchObject({
      event: 'job.completed',
      job: { id: ticket.body.jobId },
      episode: { id: final.episodeId },
    });
  });

  it('retries the webhook after the receiver answers 500, the receiver verifying each signature', async () => {
    const { key } = await t.createUser();
    const me = await request(t.app).get('/v1/me').set(bearer(key)).expect(200);
    const verified: boolean[] = [];
    const flaky = await startHttpServer((req, res) => {
      verified.push(
        verifySignature(
          me.body.webhookSecret,
          req.body.toString('utf8'),
          req.headers['x-podfleet-signature'] as string,
        ),
      );
      res.writeHead(verified.length === 1 ? 500 : 204).end();
    });
    try {
      const ticket = await request(t.app)
        .post('/v1/episodes')
        .set(bearer(key))
        .send(body({ webhookUrl: `${flaky.url}/hook` }))
        .expect(202);
      const jobId = ticket.body.jobId as string;
      await waitFor(() => flaky.requests.length === 1, { timeoutMs: 60_000, what: 'the first delivery' });
      // The retry waits out the catalog's backoff (10 s) as a delayed BullMQ job; promote it, as
      // an operator can in Bull Board, rather than wait.
      const webhooks = t.api.pipeline.queues.webhooks;
      const retry = await waitFor(
        async () => (await webhooks.getDelayed()).find((j) => j.data.jobId === jobId),
        { what: 'the delivery to wait for its retry' },
      );
      expect(retry.attemptsMade).toBe(1);
      await retry.promote();
      await waitFor(() => flaky.requests.length === 2, { what: 'the second delivery' });
      expect(verified).toEqual([true, true]);
      // deliverWebhook records an attempt's row before it sends and its outcome (status code or
      // error, deliveredAt) after the answer: the receiver has seen the second request before
      // its row is finished, so wait for both rows to be finished, not merely to exist.
      const attempts = await waitFor(
        async () => {
          const rows = await t.db.webhookDelivery.findMany({ where: { jobId }, orderBy: { attempt: 'asc' } });
          const finished = rows.every(
            (r) => r.statusCode !== null || r.error !== null || r.deliveredAt !== null,
          );
          return rows.length === 2 && finished ? rows : undefined;
        },
        { what: 'both attempts recorded with their outcome' },
      );
      expect(attempts.map((r) => [r.attempt, r.statusCode, r.deliveredAt !== null])).toEqual([
        [1, 500, false],
        [2, 204, true],
      ]);
      // Both attempts carry the same event.
      const [first, second] = flaky.requests.map((r) => JSON.parse(r.body.toString('utf8')));
      expect(second).toEqual(first);
      expect(first).toMatchObject({ event: 'job.completed', job: { id: jobId } });

      // The job's history has all of it: its stage rows and both delivery attempts.
      const history = (await request(t.app).get(`/v1/jobs/${jobId}/history`).set(bearer(key)).expect(200))
        .body;
      expect(history.job).toMatchObject({ id: jobId, status: 'completed' });
      expect(history.stages.map((s: { stage: string; status: string }) => [s.stage, s.status])).toEqual([
        ['scrape', 'completed'],
        ['script', 'completed'],
        ['audio', 'completed'],
        ['upload', 'completed'],
      ]);
      for (const stage of history.stages) {
        expect(stage).toMatchObject({ attempts: 1, error: null, durationMs: expect.any(Number) });
        expect(stage.artifact.key).toMatch(new RegExp(`^jobs/${jobId}/`));
        expect(stage.artifact.checksum).toMatch(/^[0-9a-f]{64}$/);
      }
      expect(
        history.webhookDeliveries.map(
          (d: { attempt: number; statusCode: number; deliveredAt: string | null }) => [
            d.attempt,
            d.statusCode,
            d.deliveredAt !== null,
          ],
        ),
      ).toEqual([
        [1, 500, false],
        [2, 204, true],
      ]);
      expect(history.webhookDeliveries[0]).toMatchObject({
        event: 'job.completed',
        url: `${flaky.url}/hook`,
      });
      const types = history.events.map((e: { type: string }) => e.type);
      expect(types[0]).toBe('created');
      expect(types).toEqual(expect.arrayContaining(['stage_started', 'stage_completed', 'completed']));
      expect(history.eventsTruncated).toBe(false);
    } finally {
      await flaky.close();
    }
  });
});

describe('with a controllable audio stage', () => {
  const env = testEnv(process.env, 'flow-control');
  let t: TestApi;
  let fleet: TestFleet;
  let base: string;
  /** Lines wait here while `hold` is set; failing makes the next run of the stage throw. */
  let hold: { reached: boolean; release: () => void; released: Promise<void> } | null = null;
  let failNextAudio = false;

  const holdAt = () => {
    let release!: () => void;
    const released = new Promise<void>((r) => {
      release = r;
    });
    hold = { reached: false, release, released };
    return hold;
  };

  beforeAll(async () => {
    t = await startTestApi(env);
    base = await t.listen();
    fleet = await startTestFleet(env, t.api.pipeline, {
      kind: 'stand-in',
      control: {
        async beforeLine(index) {
          if (failNextAudio) {
            failNextAudio = false;
            throw new ProviderError('TTS_FAILED', 'the voice engine refused the line', false);
          }
          if (hold && index === 1) {
            hold.reached = true;
            await hold.released;
          }
        },
      },
    });
  });
  afterAll(async () => {
    hold?.release();
    await fleet?.close();
    await t?.close();
  });

  it('cancels during the audio stage: the stream ends with cancelled and nothing is published', async () => {
    const { key } = await t.createUser();
    const gate = holdAt();
    const ticket = await request(t.app).post('/v1/episodes').set(bearer(key)).send(body()).expect(202);
    const id = ticket.body.jobId as string;
    const stream = await openSse(`${base}/v1/jobs/${id}/events`, bearer(key));
    await waitFor(() => gate.reached, { timeoutMs: 30_000, what: 'the audio stage to start voicing' });

    const cancelled = await request(t.app).delete(`/v1/jobs/${id}`).set(bearer(key)).expect(200);
    expect(cancelled.body).toMatchObject({ status: 'cancelled', phase: 'audio' });
    gate.release();
    hold = null;
    await waitFor(() => stream.isEnded(), { what: 'the stream to end' });
    expect(stream.events.at(-1)).toMatchObject({ event: 'cancelled', data: { status: 'cancelled' } });
    expectMonotonic(stream.events);

    // The running stage notices before its next line and stops; upload never runs.
    await waitFor(async () => (await t.api.pipeline.queues.audio.getJobCounts('active')).active === 0, {
      what: 'the audio stage to stop',
    });
    const stages = await t.db.jobStage.findMany({ where: { jobId: id } });
    const status = Object.fromEntries(stages.map((s) => [s.stage, s.status]));
    expect(status.audio).not.toBe('completed');
    expect(status.upload).toBe('pending');
    const job = await t.db.job.findUniqueOrThrow({ where: { id } });
    expect(job).toMatchObject({ status: 'cancelled', episodeId: null });
    expect(await t.db.episode.count({ where: { jobId: id } })).toBe(0);
    await request(t.app).delete(`/v1/jobs/${id}`).set(bearer(key)).expect(409);
  });

  it('retries a failed job from its first unfinished stage', async () => {
    const { key } = await t.createUser();
    failNextAudio = true;
    const ticket = await request(t.app).post('/v1/episodes').set(bearer(key)).send(body()).expect(202);
    const id = ticket.body.jobId as string;
    const first = await openSse(`${base}/v1/jobs/${id}/events`, bearer(key));
    await waitFor(() => first.isEnded(), { timeoutMs: 30_000, what: 'the failure' });
    expect(first.events.at(-1)).toMatchObject({
      event: 'failed',
      data: { status: 'failed', error: { code: 'TTS_FAILED' } },
    });

    const retried = await request(t.app).post(`/v1/jobs/${id}/retry`).set(bearer(key)).expect(202);
    expect(retried.body).toMatchObject({ id, status: 'queued', error: null });
    const second = await openSse(`${base}/v1/jobs/${id}/events`, bearer(key));
    await waitFor(() => second.isEnded(), { timeoutMs: 30_000, what: 'the retried job' });
    expect(second.events.at(-1)).toMatchObject({ event: 'completed' });

    const stages = await t.db.jobStage.findMany({ where: { jobId: id } });
    const attempts = Object.fromEntries(stages.map((s) => [s.stage, s.attempts]));
    // scrape and script kept their artifacts and were not run again; audio ran in the new run.
    expect(attempts).toMatchObject({ scrape: 1, script: 1, audio: 1, upload: 1 });
    const job = await t.db.job.findUniqueOrThrow({ where: { id } });
    expect(job.run).toBe(2);
    await request(t.app).post(`/v1/jobs/${id}/retry`).set(bearer(key)).expect(409);

    // Its history keeps the failed attempt, the failure and the retry, in order; only its owner
    // and the admin can read it.
    const history = (await request(t.app).get(`/v1/jobs/${id}/history`).set(bearer(key)).expect(200)).body;
    const types: string[] = history.events.map((e: { type: string }) => e.type);
    const failure = history.events.find((e: { type: string }) => e.type === 'stage_failed');
    expect(failure.data).toMatchObject({ stage: 'audio', code: 'TTS_FAILED' });
    expect(types.indexOf('failed')).toBeGreaterThan(types.indexOf('stage_failed'));
    expect(types.indexOf('retried')).toBeGreaterThan(types.indexOf('failed'));
    expect(types.at(-1)).toBe('completed');
    const other = await t.createUser();
    await request(t.app).get(`/v1/jobs/${id}/history`).set(bearer(other.key)).expect(404);
    await request(t.app).get(`/v1/jobs/${id}/history`).set(bearer(ADMIN_KEY)).expect(200);
  });

  it('GET /v1/queue/stats counts what the fleet finished in the last hour, queue by queue', async () => {
    // The two jobs above: both scraped and scripted; one cancelled in audio, one failed there for
    // good (its upload failing with it), then retried (audio and upload only) to completion.
    const stats = (await request(t.app).get('/v1/queue/stats').set(bearer(ADMIN_KEY)).expect(200)).body;
    const finished = Object.fromEntries(
      Object.entries(
        stats.queues as Record<string, { completedLastHour: number; failedLastHour: number }>,
      ).map(([queue, q]) => [queue, [q.completedLastHour, q.failedLastHour]]),
    );
    expect(finished).toMatchObject({ scrape: [2, 0], script: [2, 0], audio: [2, 1], upload: [1, 1] });
    // (Counts are this file's queues; the oldest waiting job is the database's, shared by the run.)
    expect(stats.queues.scrape).toMatchObject({ waiting: 0, active: 0 });
    expect(stats.queues.scrape.completedPerMinute).toBeCloseTo(2 / 60, 2);
  });
});

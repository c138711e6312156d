import { completeJob, failJob, updateProgress } from '@podfleet/db';
import { publishState } from '@podfleet/pipeline';
import { waitFor } from '@podfleet/test-kit';
import request from 'supertest';
import { makeJob } from '../testing/fixtures';
import { ADMIN_KEY, bearer, startTestApi, type TestApi, testEnv } from '../testing/harness';
import { openSse } from '../testing/sse-client';

const env = testEnv(process.env, 'sse');
let t: TestApi;
let base: string;
beforeAll(async () => {
  t = await startTestApi(env, { settings: { sseHeartbeatMs: 200 } });
  base = await t.listen();
});
afterAll(() => t.close());

/** What a worker does: write the DB, then publish on the job's channel. */
async function progress(
  jobId: string,
  phase: 'scrape' | 'script' | 'audio' | 'upload',
  value: number,
  step: string,
) {
  const snapshot = await updateProgress(t.db, jobId, { phase, progress: value, currentStep: step });
  if (!snapshot) throw new Error('job not active');
  await publishState(t.api.pipeline, {
    id: jobId,
    ...snapshot,
    errorCode: null,
    errorMessage: null,
    episodeId: null,
  });
}

describe('GET /v1/jobs/:id/events', () => {
  it('sends the current state, progress in order, one terminal event, then ends', async () => {
    const { user, key } = await t.createUser();
    const job = await makeJob(t.db, user.id, 'running');
    const stream = await openSse(`${base}/v1/jobs/${job.id}/events`, bearer(key));
    expect(stream.status).toBe(200);
    expect(stream.headers['content-type']).toMatch(/^text\/event-stream/);
    expect(stream.headers['cache-control']).toContain('no-cache');
    const [first] = await stream.waitForEvents(1);
    expect(first).toEqual({
      event: 'progress',
      data: { jobId: job.id, status: 'running', phase: 'script', progress: 25, currentStep: null },
    });

    await progress(job.id, 'script', 30, 'writing');
    await progress(job.id, 'audio', 50, 'voicing line 3 of 10');
    // A late, older message (pub/sub gives no ordering across publishers) must not move progress back.
    await publishState(t.api.pipeline, {
      id: job.id,
      status: 'running',
      phase: 'script',
      progress: 35,
      currentStep: 'stale',
      errorCode: null,
      errorMessage: null,
      episodeId: null,
    });
    await progress(job.id, 'audio', 60, 'voicing line 5 of 10');
    const completed = await completeJob(t.db, job.id);
    await publishState(t.api.pipeline, completed!, 'completed');
    await stream.ended;

    const names = stream.events.map((e) => e.event);
    expect(names).toEqual(['progress', 'progress', 'progress', 'progress', 'completed']);
    const values = stream.events.slice(0, 4).map((e) => (e.data as { progress: number }).progress);
    expect(values).toEqual([25, 30, 50, 60]);
    expect(stream.events[4]).toMatchObject({
      event: 'completed',
      id: 'end',
      data: { id: job.id, status: 'completed', progress: 100 },
    });
    expect(t.api.streams.size).toBe(0);
  });

  it('sends a failed event with the error', async () => {
    const { user, key } = await t.createUser();
    const job = await makeJob(t.db, user.id, 'running');
    const stream = await openSse(`${base}/v1/jobs/${job.id}/events`, bearer(key));
    await stream.waitForEvents(1);
    const failed = await failJob(t.db, job.id, 'TTS_FAILED', 'the voice engine is down');
    await publishState(t.api.pipeline, failed!, 'failed');
    await stream.ended;
    expect(stream.events.at(-1)).toMatchObject({
      event: 'failed',
      data: { status: 'failed', error: { code: 'TTS_FAILED' } },
    });
  });

  it('gives a client connecting after the end the final state at once, then ends', async () => {
    const { user, key } = await t.createUser();
    const job = await makeJob(t.db, user.id, 'completed');
    const stream = await openSse(`${base}/v1/jobs/${job.id}/events`, bearer(key));
    await stream.ended;
    expect(stream.events).toEqual([expect.objectContaining({ event: 'completed', id: 'end' })]);

    const again = await openSse(`${base}/v1/jobs/${job.id}/events`, {
      ...bearer(key),
      'Last-Event-ID': 'end',
    });
    expect(again.status).toBe(204); // tells EventSource to stop reconnecting
    await again.ended;
  });

  it('ends with the terminal state found by the heartbeat check when the message was lost', async () => {
    const { user, key } = await t.createUser();
    const job = await makeJob(t.db, user.id, 'running');
    const stream = await openSse(`${base}/v1/jobs/${job.id}/events`, bearer(key));
    await stream.waitForEvents(1);
    await t.db.job.update({ where: { id: job.id }, data: { status: 'cancelled', completedAt: new Date() } }); // no publish
    await stream.ended;
    expect(stream.comments).toContain('heartbeat');
    expect(stream.events.at(-1)).toMatchObject({ event: 'cancelled', data: { status: 'cancelled' } });
  });

  it("is 404 for another user's job (no stream), 401 anonymous; the admin may follow any job", async () => {
    const a = await t.createUser();
    const b = await t.createUser();
    const job = await makeJob(t.db, a.user.id, 'running');
    const res = await request(t.app).get(`/v1/jobs/${job.id}/events`).set(bearer(b.key)).expect(404);
    expect(res.headers['content-type']).toMatch(/problem\+json/);
    await request(t.app).get(`/v1/jobs/${job.id}/events`).expect(401);
    const stream = await openSse(`${base}/v1/jobs/${job.id}/events`, bearer(ADMIN_KEY));
    await stream.waitForEvents(1);
    stream.close();
    await waitFor(() => t.api.streams.size === 0, { what: 'the closed stream to be released' });
  });

  it('works across API replicas: a cancel on one reaches a stream on the other through Redis', async () => {
    const other = await startTestApi(env); // same prefix and Redis: a second replica
    try {
      const { user, key } = await t.createUser();
      const id = (
        await request(other.app)
          .post('/v1/episodes')
          .set(bearer(key))
          .send({ type: 'custom', sources: [{ kind: 'text', title: 'T', text: 'Text.' }] })
          .expect(202)
      ).body.jobId;
      expect(user.id).toBeTruthy();
      const stream = await openSse(`${base}/v1/jobs/${id}/events`, bearer(key));
      await stream.waitForEvents(1);
      await request(other.app).delete(`/v1/jobs/${id}`).set(bearer(key)).expect(200);
      await stream.ended;
      expect(stream.events.map((e) => e.event)).toEqual(['progress', 'cancelled']);
    } finally {
      await other.close();
    }
  });

  it('shares one subscriber connection among many streams and ends them all at shutdown', async () => {
    const { user, key } = await t.createUser();
    const subscriberConnections = async () =>
      ((await t.redis.client('LIST')) as string)
        .split('\n')
        .filter((l) => l.includes('name=podfleet:api-test-events:client')).length;
    const before = await subscriberConnections();
    const jobs = await Promise.all([1, 2, 3].map(() => makeJob(t.db, user.id, 'running')));
    const streams = await Promise.all(
      jobs.map((j) => openSse(`${base}/v1/jobs/${j.id}/events`, bearer(key))),
    );
    await Promise.all(streams.map((s) => s.waitForEvents(1)));
    expect(t.api.streams.size).toBe(3);
    expect(await subscriberConnections()).toBe(before);
    t.api.streams.closeAll();
    await Promise.all(streams.map((s) => s.ended));
    expect(t.api.streams.size).toBe(0);
  });
});

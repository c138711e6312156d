import { completeJob, failJob, updateProgress } from '@podfleet/db';
import { publishState } from '@podfleet/pipeline';
import { waitFor } from '@podfleet/test-kit';
import request from 'supertest';
import { makeJob } from '../../test/fixtures';
import { ADMIN_KEY, bearer, startTestApi, type TestApi, testEnv } from '../../test/harness';
import { openSse } from '../../test/sse-client';

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
      id: expect.stringMatching(/^25\./), // names the state: Last-Event-ID resumes from it
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

describe('event stream limits (issue #18)', () => {
  const url = (jobId: string) => `/v1/jobs/${jobId}/events`;

  it('holds at most USER_MAX_STREAMS per user across replicas (429 + Retry-After), freed when one closes', async () => {
    const limited = await startTestApi(testEnv(process.env, 'sse-user'), { settings: { userMaxStreams: 2 } });
    const replica = await startTestApi(testEnv(process.env, 'sse-user'), { settings: { userMaxStreams: 2 } });
    try {
      const [a, b] = [await limited.listen(), await replica.listen()];
      const { user, key } = await limited.createUser();
      const other = await limited.createUser();
      const job = await makeJob(limited.db, user.id, 'running');
      const first = await openSse(`${a}${url(job.id)}`, bearer(key));
      const second = await openSse(`${b}${url(job.id)}`, bearer(key)); // the other replica counts too
      expect([first.status, second.status]).toEqual([200, 200]);
      const refused = await request(limited.app).get(url(job.id)).set(bearer(key)).expect(429);
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      expect(refused.body.type).toBe('urn:podfleet:problem:too-many-streams');
      await request(replica.app).get(url(job.id)).set(bearer(key)).expect(429);
      // Another user is not affected.
      const theirs = await makeJob(limited.db, other.user.id, 'running');
      const unaffected = await openSse(`${a}${url(theirs.id)}`, bearer(other.key));
      expect(unaffected.status).toBe(200);
      unaffected.close();

      first.close();
      const third = await waitFor(
        async () => {
          const s = await openSse(`${a}${url(job.id)}`, bearer(key));
          if (s.status === 200) return s;
          await s.ended;
          return undefined;
        },
        { what: 'a freed stream slot' },
      );
      third.close();
      second.close();
    } finally {
      await Promise.all([limited.close(), replica.close()]);
    }
  });

  it('holds at most MAX_STREAMS per process (429 + Retry-After)', async () => {
    const small = await startTestApi(testEnv(process.env, 'sse-process'), { settings: { maxStreams: 1 } });
    try {
      const base2 = await small.listen();
      const a = await small.createUser();
      const b = await small.createUser();
      const job = await makeJob(small.db, a.user.id, 'running');
      const open = await openSse(`${base2}${url(job.id)}`, bearer(a.key));
      expect(open.status).toBe(200);
      const refused = await request(small.app).get(url(job.id)).set(bearer(ADMIN_KEY)).expect(429);
      expect(refused.headers['retry-after']).toBe('5');
      const theirs = await makeJob(small.db, b.user.id, 'running');
      await request(small.app).get(url(theirs.id)).set(bearer(b.key)).expect(429);
      open.close();
    } finally {
      await small.close();
    }
  });

  it('reads each job once per heartbeat however many streams follow it', async () => {
    const { user, key } = await t.createUser();
    const [job, other] = await Promise.all([
      makeJob(t.db, user.id, 'running'),
      makeJob(t.db, user.id, 'running'),
    ]);
    const streams = await Promise.all([
      ...[1, 2, 3, 4].map(() => openSse(`${base}${url(job.id)}`, bearer(key))),
      openSse(`${base}${url(other.id)}`, bearer(key)),
    ]);
    await Promise.all(streams.map((s) => s.waitForEvents(1)));
    expect(t.api.streams.size).toBe(5);
    expect(t.api.streams.polledJobs).toBe(2);
    // Each stream still gets every heartbeat and the state read by the shared poll.
    await waitFor(() => streams.every((s) => s.comments.filter((c) => c === 'heartbeat').length >= 2), {
      what: 'two heartbeats on every stream',
    });
    await t.db.job.update({ where: { id: job.id }, data: { status: 'cancelled', completedAt: new Date() } }); // no publish
    await Promise.all(streams.slice(0, 4).map((s) => s.ended));
    for (const s of streams.slice(0, 4)) expect(s.events.at(-1)?.event).toBe('cancelled');
    expect(t.api.streams.polledJobs).toBe(1);
    streams[4]?.close();
    await waitFor(() => t.api.streams.polledJobs === 0, { what: 'the last poll to stop' });
  });

  it('ends a stream after SSE_MAX_STREAM_SEC; the client resumes with Last-Event-ID without a repeat', async () => {
    const short = await startTestApi(testEnv(process.env, 'sse-lifetime'), {
      settings: { sseMaxStreamMs: 300, sseHeartbeatMs: 100 },
    });
    try {
      const base2 = await short.listen();
      const { user, key } = await short.createUser();
      const job = await makeJob(short.db, user.id, 'running');
      const first = await openSse(`${base2}${url(job.id)}`, bearer(key));
      const [state] = await first.waitForEvents(1);
      await first.ended; // by the server, after its lifetime
      expect(first.events.map((e) => e.event)).toEqual(['progress']);
      expect(short.api.streams.size).toBe(0);

      const resume = (lastEventId: string) =>
        openSse(`${base2}${url(job.id)}`, { ...bearer(key), 'Last-Event-ID': lastEventId });
      const unchanged = await resume(state?.id ?? '');
      await unchanged.ended;
      expect(unchanged.status).toBe(200);
      expect(unchanged.events).toEqual([]); // it had this state already

      await updateProgress(short.db, job.id, { phase: 'audio', progress: 60, currentStep: 'voicing' }); // no publish
      const moved = await resume(state?.id ?? '');
      await moved.ended;
      expect(moved.events).toEqual([
        expect.objectContaining({ event: 'progress', data: expect.objectContaining({ progress: 60 }) }),
      ]);

      const completed = await completeJob(short.db, job.id);
      expect(completed).not.toBeNull();
      const last = await resume(moved.events[0]?.id ?? '');
      await last.ended;
      expect(last.events.map((e) => e.event)).toEqual(['completed']);
    } finally {
      await short.close();
    }
  });
});

// The fault-injection suite: the real apps as processes on Redis and PostgreSQL servers of the
// run's own, killed, stopped, flushed, restarted and starved of their providers and database.
// Every scenario ends with each of its jobs completed, exactly one Episode, one set of stored
// objects and one webhook delivery per job, and nothing left behind in Redis.
import { randomBytes } from 'node:crypto';
import { readArtifact } from '@podfleet/pipeline';
import { STAGES, stageJobId } from '@podfleet/queue';
import { waitFor } from '@podfleet/test-kit';
import { exactlyOnce, JOB_OBJECTS, outcomeOf } from './checks';
import { newTag } from './faults';
import {
  type ApiUser,
  callApi,
  createApiUser,
  eventsOf,
  PROVIDER_TIMEOUT_MS,
  retryThroughApi,
  type Suite,
  settledOutcome,
  stageRow,
  startSuite,
  submitTagged,
  taggedRequest,
  waitForJob,
  within,
} from './harness';

let suite: Suite;
const allJobs: string[] = [];

beforeAll(async () => {
  suite = await startSuite();
}, 120_000);

afterAll(async () => {
  await suite?.close();
}, 60_000);

beforeEach(async () => {
  await suite.fleet.ensureRunning();
});

async function expectExactlyOnce(jobIds: string[]): Promise<void> {
  for (const jobId of jobIds) expect(await settledOutcome(suite, jobId)).toEqual(exactlyOnce(jobId));
}

/** Items of the user's podcast feed whose guid is `episodeId`. */
async function feedItems(user: ApiUser, episodeId: string): Promise<number> {
  const { feedToken } = await suite.db.user.findUniqueOrThrow({ where: { id: user.id } });
  const res = await fetch(`${suite.api.url}/v1/feeds/${feedToken}.xml`);
  expect(res.status).toBe(200);
  return (await res.text()).split(`>${episodeId}</guid>`).length - 1;
}

/** BullMQ stage jobs (any state) whose job has no row in PostgreSQL: a flow without its ticket. */
async function flowsWithoutRows(): Promise<string[]> {
  const ids = new Set<string>();
  for (const stage of STAGES) {
    for (const bull of await suite.ctx.queues[stage].getJobs()) {
      if (bull?.data?.jobId) ids.add(bull.data.jobId as string);
    }
  }
  const rows = await suite.db.job.findMany({ where: { id: { in: [...ids] } }, select: { id: true } });
  const known = new Set(rows.map((r) => r.id));
  return [...ids].filter((id) => !known.has(id));
}

describe('crash recovery (SIGKILL)', () => {
  it('a job whose audio worker is killed mid-stage is finished by a new audio worker', async () => {
    const tag = newTag();
    const hold = suite.tts.faults.hold(tag);
    const job = await submitTagged(suite, tag);
    allJobs.push(job.id);
    await within(hold.engaged, 30_000, 'the audio stage to call the TTS API', suite);

    const exit = await suite.fleet.stop('audio', 'SIGKILL');
    expect(exit.signal).toBe('SIGKILL');
    hold.release();
    await suite.fleet.start('audio');

    const done = await waitForJob(suite, job.id, ['completed', 'failed']);
    expect([done.status, done.errorCode]).toEqual(['completed', null]);
    await expectExactlyOnce([job.id]);
    // Recovered by BullMQ's stalled check on the same run, not re-enqueued.
    expect(done.run).toBe(1);
    const audio = await suite.ctx.queues.audio.getJob(stageJobId(job.id, 1, 'audio'));
    expect(audio?.attemptsStarted).toBe(2);
    expect((await stageRow(suite, job.id, 'audio')).attempts).toBe(2);
    expect((await stageRow(suite, job.id, 'script')).attempts).toBe(1);
  });

  it('a job whose scraper is killed during the script stage is finished by a new scraper', async () => {
    const tag = newTag();
    const hold = suite.llm.faults.hold(tag);
    const job = await submitTagged(suite, tag);
    allJobs.push(job.id);
    await within(hold.engaged, 30_000, 'the script stage to call the LLM', suite);

    expect((await suite.fleet.stop('scraper', 'SIGKILL')).signal).toBe('SIGKILL');
    // Released only once the fake has seen the dead client's connection close: released before,
    // the held request would be answered into a socket not yet known to be gone.
    await within(suite.llm.abandoned(tag), 10_000, "the killed scraper's LLM connection to close", suite);
    hold.release();
    await suite.fleet.start('scraper');

    const done = await waitForJob(suite, job.id, ['completed', 'failed']);
    expect([done.status, done.errorCode, done.run]).toEqual(['completed', null, 1]);
    await expectExactlyOnce([job.id]);
    expect((await stageRow(suite, job.id, 'script')).attempts).toBe(2);
    expect((await stageRow(suite, job.id, 'scrape')).attempts).toBe(1);
    // The killed attempt never got an answer: the new one's script, and its length follow-up if
    // the script was off target, are all the fake answered.
    const { length } = await readArtifact(suite.ctx, job.id, 'script');
    expect(suite.llm.okCount(tag)).toBe(1 + length!.followUps);
  });
});

describe('Redis loss (FLUSHDB)', () => {
  it('re-enqueues jobs in every stage from their first unfinished stage, and they complete once', async () => {
    const user = await createApiUser(suite);
    const tags = { scrape: newTag(), script: newTag(), audio: newTag(), waiting: newTag() };
    const holds = [
      suite.site.faults.hold(tags.scrape),
      suite.llm.faults.hold(tags.script),
      suite.tts.faults.hold(tags.audio),
    ];
    // One user, three slots: the fourth job waits in PostgreSQL for a slot.
    const inScrape = await submitTagged(suite, tags.scrape, { user, source: 'url' });
    const inScript = await submitTagged(suite, tags.script, { user });
    const inAudio = await submitTagged(suite, tags.audio, { user });
    const waiting = await submitTagged(suite, tags.waiting, { user });
    const jobs = [inScrape, inScript, inAudio, waiting].map((j) => j.id);
    allJobs.push(...jobs);
    expect(waiting.enqueuedAt).toBeNull();
    await within(Promise.all(holds.map((h) => h.engaged)), 30_000, 'jobs in scrape, script and audio', suite);

    expect(await suite.redis.dbsize()).toBeGreaterThan(0);
    await suite.redis.flushdb();
    for (const hold of holds) hold.release();

    for (const jobId of jobs) {
      const done = await waitForJob(suite, jobId, ['completed', 'failed'], 90_000);
      expect([jobId, done.status, done.errorCode]).toEqual([jobId, 'completed', null]);
    }
    await expectExactlyOnce(jobs);
    for (const job of [inScrape, inScript, inAudio]) {
      const row = await suite.db.job.findUniqueOrThrow({ where: { id: job.id } });
      expect(row.run).toBeGreaterThanOrEqual(2);
      expect((await eventsOf(suite, job.id, 'reconciled')).length).toBeGreaterThanOrEqual(1);
    }
    // Stages finished before the flush were resumed from their artifacts, not redone.
    expect((await stageRow(suite, inAudio.id, 'scrape')).attempts).toBe(1);
    expect((await stageRow(suite, inAudio.id, 'script')).attempts).toBe(1);
    expect((await stageRow(suite, inScript.id, 'scrape')).attempts).toBe(1);
    // The maintenance schedulers came back without a worker restart.
    expect(await suite.ctx.queues.maintenance.getJobScheduler('maintenance-reconcile')).toBeDefined();
  });
});

describe('the uploader killed around publishing (SIGKILL)', () => {
  it('killed after the stage stored its object, before the episode is published: published once', async () => {
    const user = await createApiUser(suite);
    // The uploader's statement that creates the Episode and completes the job never reaches the server.
    const hold = suite.pg.holdStatement('publish_episode', 'request');
    let jobId: string;
    try {
      const job = await submitTagged(suite, newTag(), { user });
      jobId = job.id;
      allJobs.push(jobId);
      await within(hold.engaged, 45_000, 'the upload stage to publish', suite);
      // The stage's object is stored and the stage recorded; the job is not completed.
      expect((await outcomeOf(suite, jobId)).storedObjects).toEqual(JOB_OBJECTS);
      expect((await stageRow(suite, jobId, 'upload')).status).toBe('completed');
      expect((await suite.db.job.findUniqueOrThrow({ where: { id: jobId } })).status).toBe('running');
      expect((await suite.fleet.stop('uploader', 'SIGKILL')).signal).toBe('SIGKILL');
    } finally {
      hold.release();
    }
    await suite.fleet.start('uploader');

    const done = await waitForJob(suite, jobId, ['completed', 'failed']);
    expect([done.status, done.errorCode, done.run]).toEqual(['completed', null, 1]);
    await expectExactlyOnce([jobId]);
    expect(await feedItems(user, done.episodeId!)).toBe(1);
  });

  it('killed after the episode is published, before its webhook is queued: the webhook is sent once', async () => {
    const user = await createApiUser(suite);
    // The statement runs and commits; the uploader never hears, so it queues no webhook.
    const hold = suite.pg.holdStatement('publish_episode', 'response');
    let jobId: string;
    try {
      const job = await submitTagged(suite, newTag(), { user });
      jobId = job.id;
      allJobs.push(jobId);
      await within(hold.engaged, 45_000, 'the upload stage to publish', suite);
      await waitFor(
        async () => (await suite.db.job.findUniqueOrThrow({ where: { id: jobId } })).status === 'completed',
        { what: 'the publishing statement to commit' },
      );
      expect((await suite.fleet.stop('uploader', 'SIGKILL')).signal).toBe('SIGKILL');
    } finally {
      hold.release();
    }
    expect((await outcomeOf(suite, jobId)).completedWebhooks).toBe(0);
    await suite.fleet.start('uploader');

    // The upload stage job is recovered by the stalled check; its re-run finds the job published.
    await waitFor(async () => (await outcomeOf(suite, jobId)).deliveredRows > 0, {
      timeoutMs: 45_000,
      intervalMs: 200,
      what: `the webhook of job ${jobId} to be delivered`,
    }).catch((err: Error) => {
      throw new Error(`${err.message}\n${suite.fleet.describe()}`);
    });
    await expectExactlyOnce([jobId]);
    const done = await suite.db.job.findUniqueOrThrow({ where: { id: jobId } });
    expect(await feedItems(user, done.episodeId!)).toBe(1);
  });
});

describe('the API killed while submitting (SIGKILL)', () => {
  /**
   * Sends a ticket request with an Idempotency-Key, holds the API's submit statement (before the
   * server ran it, or after it committed), kills the API and starts a new one on the same port.
   */
  async function killApiDuringSubmit(at: 'request' | 'response') {
    const user = await createApiUser(suite);
    const tag = newTag();
    const idempotencyKey = `faults-${randomBytes(6).toString('hex')}`;
    const hold = suite.pg.holdStatement('submit_job', at);
    const answer = fetch(`${suite.api.url}/v1/episodes`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${user.apiKey}`,
        'content-type': 'application/json',
        'idempotency-key': idempotencyKey,
      },
      body: JSON.stringify(taggedRequest(suite, tag)),
    }).then(
      (res) => res.status,
      () => 'no answer',
    );
    try {
      await within(hold.engaged, 15_000, 'the API to submit the job', suite);
      if (at === 'response') {
        await waitFor(
          () => suite.db.job.findFirst({ where: { userId: user.id } }).then((j) => j ?? undefined),
          {
            what: 'the job row to be committed',
          },
        );
      }
      expect((await suite.fleet.stopApi('SIGKILL')).signal).toBe('SIGKILL');
      // The relay must see the dead client before the release, or it would pass the request on.
      if (at === 'request') await within(hold.clientGone, 15_000, 'the relay to see the API gone', suite);
    } finally {
      hold.release();
    }
    expect(await answer).toBe('no answer');
    await suite.fleet.startApi(Number(new URL(suite.api.url).port));
    return { user, tag, idempotencyKey };
  }

  it('killed before the job row was written: no row and no flow; the retried ticket completes once', async () => {
    const { user, tag, idempotencyKey } = await killApiDuringSubmit('request');
    expect(await suite.db.job.count({ where: { userId: user.id } })).toBe(0);
    expect(await flowsWithoutRows()).toEqual([]);

    const job = await submitTagged(suite, tag, { user, idempotencyKey });
    allJobs.push(job.id);
    const done = await waitForJob(suite, job.id, ['completed', 'failed']);
    expect([done.status, done.errorCode, done.run]).toEqual(['completed', null, 1]);
    await expectExactlyOnce([job.id]);
    expect(await suite.db.job.count({ where: { userId: user.id } })).toBe(1);
  });

  it('killed after the job row was written, before its flow: the reconciler enqueues it, the retry gets the same job', async () => {
    const { user, tag, idempotencyKey } = await killApiDuringSubmit('response');
    // The row was committed by the killed API (run 1); whatever Redis holds of it now was put
    // there by the reconciler (a `reconciled` event, run 2), not by the submit.
    const row = await suite.db.job.findFirstOrThrow({ where: { userId: user.id } });
    allJobs.push(row.id);

    // The client retries with its Idempotency-Key: the same ticket.
    const retried = await submitTagged(suite, tag, { user, idempotencyKey });
    expect(retried.id).toBe(row.id);
    const done = await waitForJob(suite, row.id, ['completed', 'failed']);
    expect([done.status, done.errorCode, done.run]).toEqual(['completed', null, 2]);
    expect((await eventsOf(suite, row.id, 'reconciled')).length).toBe(1);
    await expectExactlyOnce([row.id]);
    expect(await suite.db.job.count({ where: { userId: user.id } })).toBe(1);
    expect(await flowsWithoutRows()).toEqual([]);
  });
});

describe('provider failures', () => {
  it('retries through LLM 429s and dropped connections and TTS 500/429/503/resets; unusable answers fail with a clear code', async () => {
    const flaky = newTag();
    suite.llm.faults.plan(flaky, [{ status: 429, retryAfterSec: 1 }, { reset: 500 }]);
    suite.tts.faults.plan(flaky, [
      { status: 500 },
      { status: 429, retryAfterSec: 1 },
      { reset: 1_000 },
      { status: 503 },
    ]);
    // The writer repairs one invalid answer within the attempt; a second one is SCRIPT_INVALID.
    const repaired = newTag();
    suite.llm.faults.plan(repaired, [{ invalidJson: true }]);
    const broken = newTag();
    suite.llm.faults.plan(broken, [{ invalidJson: true }, { invalidJson: true }]);
    // A 200 whose body is cut off: retried, or failed with a code saying so; never stuck.
    const cut = newTag();
    suite.llm.faults.plan(cut, [{ truncated: true }]);
    const [recovers, repairs, fails, truncated] = await Promise.all(
      [flaky, repaired, broken, cut].map((tag) => submitTagged(suite, tag)),
    );
    const jobs = [recovers, repairs, fails, truncated].map((j) => j!.id);
    allJobs.push(...jobs);

    const failed = await waitForJob(suite, fails!.id, ['completed', 'failed']);
    expect([failed.status, failed.errorCode]).toEqual(['failed', 'SCRIPT_INVALID']);
    expect((await stageRow(suite, fails!.id, 'script')).attempts).toBe(1); // not retryable: not retried
    expect(suite.llm.faults.served.get(broken)).toHaveLength(2);
    const afterFailure = await settledOutcome(suite, fails!.id);
    expect([afterFailure.episodes, afterFailure.pendingInRedis]).toEqual([0, []]);
    expect(await retryThroughApi(suite, fails!.id)).toBe('queued');

    expect((await waitForJob(suite, repairs!.id, ['completed', 'failed'])).status).toBe('completed');
    expect((await stageRow(suite, repairs!.id, 'script')).attempts).toBe(1);

    const cutEnd = await waitForJob(suite, truncated!.id, ['completed', 'failed']);
    if (cutEnd.status === 'failed') {
      expect(cutEnd.errorCode).toBe('SCRIPT_FAILED');
      expect((await settledOutcome(suite, truncated!.id)).pendingInRedis).toEqual([]);
      expect(await retryThroughApi(suite, truncated!.id)).toBe('queued');
    }

    const done = await waitForJob(suite, recovers!.id, ['completed', 'failed'], 90_000);
    expect([done.status, done.errorCode]).toEqual(['completed', null]);
    expect(suite.llm.faults.served.get(flaky)).toHaveLength(2);
    expect(suite.tts.faults.served.get(flaky)).toHaveLength(4);
    const scriptFailures = (await eventsOf(suite, recovers!.id, 'stage_failed')).filter(
      (e) => (e.data as { stage: string }).stage === 'script',
    );
    expect(scriptFailures.map((e) => (e.data as { code: string }).code)).toEqual([
      'RATE_LIMITED',
      'SCRIPT_FAILED',
    ]);
    expect((await stageRow(suite, recovers!.id, 'script')).attempts).toBe(3);

    for (const jobId of jobs) await waitForJob(suite, jobId, ['completed'], 60_000);
    await expectExactlyOnce(jobs);
  });
});

describe('providers that never answer', () => {
  it('gives up on a silent LLM and a silent TTS call at the client timeout, retries, and completes once', async () => {
    const silent = newTag();
    // Silent for far longer than the client waits (PROVIDER_TIMEOUT_MS): only the client's own
    // timeout can end these calls.
    suite.llm.faults.plan(silent, [{ silentMs: 20 * PROVIDER_TIMEOUT_MS }]);
    suite.tts.faults.plan(silent, [{ silentMs: 20 * PROVIDER_TIMEOUT_MS }]);
    const job = await submitTagged(suite, silent);
    allJobs.push(job!.id);

    const done = await waitForJob(suite, job!.id, ['completed', 'failed'], 90_000);
    expect([done.status, done.errorCode]).toEqual(['completed', null]);
    expect(suite.llm.faults.served.get(silent)).toEqual([{ silentMs: 20 * PROVIDER_TIMEOUT_MS }]);
    expect(suite.tts.faults.served.get(silent)).toEqual([{ silentMs: 20 * PROVIDER_TIMEOUT_MS }]);
    // The LLM timeout failed the script attempt (retryable TIMEOUT); BullMQ ran it again.
    const scriptFailures = (await eventsOf(suite, job!.id, 'stage_failed')).filter(
      (e) => (e.data as { stage: string }).stage === 'script',
    );
    expect(scriptFailures.map((e) => (e.data as { code: string }).code)).toEqual(['TIMEOUT']);
    expect((await stageRow(suite, job!.id, 'script')).attempts).toBe(2);
    await expectExactlyOnce([job!.id]);
  });
});

describe('graceful shutdown (SIGTERM)', () => {
  it('hands running stages back without counting an attempt; restarted workers finish them', async () => {
    const inScript = newTag();
    const inAudio = newTag();
    const holds = [suite.llm.faults.hold(inScript), suite.tts.faults.hold(inAudio)];
    const a = await submitTagged(suite, inScript);
    const b = await submitTagged(suite, inAudio);
    allJobs.push(a.id, b.id);
    await within(Promise.all(holds.map((h) => h.engaged)), 30_000, 'jobs in script and audio', suite);

    const exits = await Promise.all(
      (['scraper', 'audio', 'uploader'] as const).map((app) => suite.fleet.stop(app, 'SIGTERM')),
    );
    expect(exits.map((e) => e.code)).toEqual([0, 0, 0]);
    // Back in the queue at once (not left to the stalled check), not failed.
    expect(['waiting', 'prioritized']).toContain(
      await suite.ctx.queues.script.getJobState(stageJobId(a.id, 1, 'script')),
    );
    expect(['waiting', 'prioritized']).toContain(
      await suite.ctx.queues.audio.getJobState(stageJobId(b.id, 1, 'audio')),
    );
    for (const hold of holds) hold.release();
    await suite.fleet.startAll();

    for (const job of [a, b]) {
      const done = await waitForJob(suite, job.id, ['completed', 'failed']);
      expect([done.status, done.run]).toEqual(['completed', 1]);
      expect(await eventsOf(suite, job.id, 'stage_failed')).toEqual([]);
    }
    await expectExactlyOnce([a.id, b.id]);
    for (const [job, queue] of [
      [a, 'script'],
      [b, 'audio'],
    ] as const) {
      const bull = await suite.ctx.queues[queue].getJob(stageJobId(job.id, 1, queue));
      // Started twice, one finished attempt: the hand-back did not count.
      expect([bull?.attemptsStarted, bull?.attemptsMade]).toEqual([2, 1]);
    }
  });
});

describe('database blips', () => {
  it('a stage whose database writes fail while PostgreSQL is unreachable is retried, not dropped', async () => {
    const tag = newTag();
    const hold = suite.tts.faults.hold(tag);
    const job = await submitTagged(suite, tag);
    allJobs.push(job.id);
    await within(hold.engaged, 30_000, 'the audio stage to call the TTS API', suite);

    suite.pg.cut();
    hold.release();
    const audio = stageJobId(job.id, 1, 'audio');
    try {
      // The stage's next progress write fails: BullMQ schedules a retry (DB_UNAVAILABLE, retryable).
      await waitFor(async () => (await suite.ctx.queues.audio.getJobState(audio)) === 'delayed', {
        timeoutMs: 30_000,
        what: 'the audio stage to be scheduled for a retry',
      });
    } finally {
      suite.pg.restore();
    }
    const bull = await suite.ctx.queues.audio.getJob(audio);
    expect(bull?.stacktrace?.join('\n')).toContain('[DB_UNAVAILABLE]');

    const done = await waitForJob(suite, job.id, ['completed', 'failed'], 90_000);
    expect([done.status, done.errorCode]).toEqual(['completed', null]);
    await expectExactlyOnce([job.id]);
  });
});

describe('database blips, seen by a client', () => {
  it('the API answers 503 problem+json at once while PostgreSQL is unreachable, and recovers', async () => {
    const user = await createApiUser(suite);
    const job = await submitTagged(suite, newTag(), { user });
    allJobs.push(job.id);
    // The API holds pooled connections when the database goes away (as it would in service).
    expect((await callApi(suite, 'GET', `/v1/jobs/${job.id}`, { key: user.apiKey })).status).toBe(200);
    suite.pg.cut();
    try {
      const started = Date.now();
      const health = await callApi(suite, 'GET', '/health');
      expect([health.status, health.contentType, health.body.db]).toEqual([
        503,
        expect.stringContaining('application/problem+json'),
        'down',
      ]);
      // Several requests: the first ones meet pooled connections that were just cut, later ones
      // fail to connect; each must be a 503 a client can retry, not a 500.
      const polls = [];
      for (let i = 0; i < 5; i++)
        polls.push(await callApi(suite, 'GET', `/v1/jobs/${job.id}`, { key: user.apiKey }));
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(polls.map((p) => [p.status, p.contentType])).toEqual(
        polls.map(() => [503, expect.stringContaining('application/problem+json')]),
      );
    } finally {
      suite.pg.restore();
    }
    expect((await callApi(suite, 'GET', `/v1/jobs/${job.id}`, { key: user.apiKey })).status).toBe(200);
    await waitForJob(suite, job.id, ['completed']);
    await expectExactlyOnce([job.id]);
  });
});

describe('Redis server restarts and outages (a real redis-server of the suite)', () => {
  /** Jobs held in scrape, script and audio, and one waiting for its user's slot. */
  async function jobsInEveryStage() {
    const user = await createApiUser(suite);
    const tags = { scrape: newTag(), script: newTag(), audio: newTag(), waiting: newTag() };
    const holds = [
      suite.site.faults.hold(tags.scrape),
      suite.llm.faults.hold(tags.script),
      suite.tts.faults.hold(tags.audio),
    ];
    const jobs = [
      await submitTagged(suite, tags.scrape, { user, source: 'url' }),
      await submitTagged(suite, tags.script, { user }),
      await submitTagged(suite, tags.audio, { user }),
      await submitTagged(suite, tags.waiting, { user }),
    ].map((j) => j.id);
    allJobs.push(...jobs);
    await within(Promise.all(holds.map((h) => h.engaged)), 30_000, 'jobs in scrape, script and audio', suite);
    return {
      jobs,
      release: () => {
        for (const hold of holds) hold.release();
      },
    };
  }

  async function expectAllCompletedOnce(jobs: string[]): Promise<void> {
    for (const jobId of jobs) {
      const done = await waitForJob(suite, jobId, ['completed', 'failed'], 120_000);
      expect([jobId, done.status, done.errorCode]).toEqual([jobId, 'completed', null]);
    }
    await expectExactlyOnce(jobs);
    for (const app of ['scraper', 'audio', 'uploader'] as const)
      expect(suite.fleet.get(app).running).toBe(true);
  }

  it('restarted empty (stopped, started on the same port without its data): every job completes once', async () => {
    const { jobs, release } = await jobsInEveryStage();
    await suite.redisServer.stop('SIGTERM');
    await suite.redisServer.start({ empty: true });
    release();

    await expectAllCompletedOnce(jobs);
    for (const jobId of jobs.slice(0, 3))
      expect((await eventsOf(suite, jobId, 'reconciled')).length).toBeGreaterThanOrEqual(1);
  });

  it('unreachable for 30 s while the workers run, then back with its data: every job completes once', async () => {
    const { jobs, release } = await jobsInEveryStage();
    await suite.redisServer.stop('SIGKILL');
    // The workers go on with the held stages while Redis is away.
    release();
    try {
      const health = await callApi(suite, 'GET', '/health');
      expect([health.status, health.body.redis]).toEqual([503, 'down']);
      // The outage itself: 30 s with no Redis (longer than the suite's stage locks).
      await new Promise((resolve) => setTimeout(resolve, 30_000));
    } finally {
      await suite.redisServer.start();
    }

    await expectAllCompletedOnce(jobs);
  });
});

describe('PostgreSQL server restart (a real postgres of the suite)', () => {
  it('restarted mid-flight with jobs in script and audio: both complete once, and the API answers again', async () => {
    const user = await createApiUser(suite);
    const tags = { script: newTag(), audio: newTag() };
    const holds = [suite.llm.faults.hold(tags.script), suite.tts.faults.hold(tags.audio)];
    const jobs = [
      await submitTagged(suite, tags.script, { user }),
      await submitTagged(suite, tags.audio, { user }),
    ];
    allJobs.push(...jobs.map((j) => j.id));
    await within(Promise.all(holds.map((h) => h.engaged)), 30_000, 'jobs in script and audio', suite);

    await suite.postgres.restart();
    for (const hold of holds) hold.release();

    for (const job of jobs) {
      const done = await waitForJob(suite, job.id, ['completed', 'failed'], 90_000);
      expect([done.status, done.errorCode]).toEqual(['completed', null]);
    }
    await expectExactlyOnce(jobs.map((j) => j.id));
    const polled = await waitFor(
      async () => {
        const res = await callApi(suite, 'GET', `/v1/jobs/${jobs[0]!.id}`, { key: user.apiKey });
        return res.status === 200 ? res : undefined;
      },
      { what: 'the API to answer after the restart' },
    );
    expect(polled.body.status).toBe('completed');
  });
});

describe('after every scenario', () => {
  it('leaves no job of the suite queued or running', async () => {
    expect(allJobs.length).toBeGreaterThanOrEqual(14);
    const stillActive = () =>
      suite.db.job.findMany({
        where: { id: { in: allJobs }, status: { in: ['queued', 'running'] } },
        select: { id: true, status: true, phase: true },
      });
    // Jobs of a scenario that failed an assertion early are given the time to finish too.
    await waitFor(async () => (await stillActive()).length === 0, {
      timeoutMs: 60_000,
      intervalMs: 200,
      what: 'every job of the suite to finish',
    }).catch(() => undefined);
    expect(await stillActive()).toEqual([]);
    // No flow without its ticket, and no second webhook arrived late for any completed job.
    expect(await flowsWithoutRows()).toEqual([]);
    const completed = await suite.db.job.findMany({
      where: { id: { in: allJobs }, status: 'completed' },
      select: { id: true },
    });
    expect(completed.length).toBe(allJobs.length);
    for (const { id } of completed) {
      const outcome = await outcomeOf(suite, id);
      expect([id, outcome.completedWebhooks, outcome.deliveredRows]).toEqual([id, 1, 1]);
    }
  });
});

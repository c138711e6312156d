// The episode pipeline end to end, all four real stages in-process. It lives here because the
// audio stage does: @podfleet/pipeline (submit, cancel, retry, the other stages) cannot depend on
// this package, which depends on it.
import { types } from 'node:util';
import {
  cancelEpisodeJob,
  episodeRequestSchema,
  reenqueueEpisodeJob,
  retryEpisodeJob,
  submitEpisodeJob,
} from '@podfleet/pipeline';
import { startFakeCongress } from '@podfleet/providers/testing';
import { createRedis, type JobEvent, parseFailedReason, subscribeJobEvents } from '@podfleet/queue';
import { waitFor } from '@podfleet/test-kit';
import type { TtsEngine } from '@podfleet/tts';
import { createUser, type Fleet, shortStyle, startFleet, textSources, waitForStatus } from '../test/harness';

const request = (overrides: Record<string, unknown> = {}) =>
  episodeRequestSchema.parse({ type: 'custom', sources: textSources, style: shortStyle, ...overrides });

describe('episode pipeline, end to end on real Redis and PostgreSQL', () => {
  let fleet: Fleet;
  beforeAll(async () => {
    fleet = await startFleet();
  });
  afterAll(async () => {
    await fleet.close();
  });

  it('turns text sources into a published episode, reporting progress that never goes back', async () => {
    const user = await createUser(fleet.db);
    const subscriber = createRedis(process.env.REDIS_URL!, { role: 'client' });
    const events: JobEvent[] = [];
    const { job } = await submitEpisodeJob(fleet.ctx, { userId: user.id, request: request() });
    const unsubscribe = await subscribeJobEvents(subscriber, fleet.ctx.prefix, job.id, (e) => events.push(e));
    try {
      const done = await waitForStatus(fleet.db, job.id, ['completed', 'failed']);
      expect({ status: done.status, error: done.errorMessage }).toEqual({ status: 'completed', error: null });
      expect(done.progress).toBe(100);
      expect(done.wordCount).toBeGreaterThan(40);
      expect(done.providers).toEqual({ script: 'local', tts: 'espeak' });
      expect(types.isDate(done.completedAt)).toBe(true);

      const episode = await fleet.db.episode.findUniqueOrThrow({ where: { jobId: job.id } });
      expect(done.episodeId).toBe(episode.id);
      expect(episode.durationSec).toBeGreaterThan(10);
      const segments = episode.transcript as Array<{ speaker: string; start: number; end: number }>;
      expect(new Set(segments.map((s) => s.speaker))).toEqual(new Set(['Maya', 'Theo']));
      for (const [i, s] of segments.entries()) {
        expect(s.end).toBeGreaterThan(s.start);
        if (i > 0) expect(s.start).toBeGreaterThanOrEqual(segments[i - 1]!.end);
      }
      expect(segments.at(-1)!.end).toBeLessThanOrEqual(episode.durationSec + 0.05);
      const head = await fleet.ctx.storage.head(episode.audioKey);
      expect(head?.sizeBytes).toBe(episode.sizeBytes);

      const stages = await fleet.db.jobStage.findMany({
        where: { jobId: job.id },
        orderBy: { startedAt: 'asc' },
      });
      expect(stages.map((s) => [s.stage, s.status, s.attempts])).toEqual([
        ['scrape', 'completed', 1],
        ['script', 'completed', 1],
        ['audio', 'completed', 1],
        ['upload', 'completed', 1],
      ]);
      for (const stage of stages) {
        expect((await fleet.ctx.storage.head(stage.artifactKey!))?.checksum).toBe(stage.checksum);
      }
      expect(await fleet.db.sourceDocument.count()).toBeGreaterThanOrEqual(2);

      await waitFor(() => events.some((e) => e.type === 'completed'), { what: 'the completed event' });
      const progress = events.map((e) => e.progress);
      expect(progress).toEqual([...progress].sort((a, b) => a - b));
      expect(events.at(-1)).toMatchObject({
        type: 'completed',
        status: 'completed',
        progress: 100,
        episodeId: episode.id,
      });
      expect(new Set(events.map((e) => e.phase))).toEqual(new Set(['scrape', 'script', 'audio', 'upload']));
    } finally {
      await unsubscribe();
      subscriber.disconnect();
    }
  });

  it('finishes publishing on a re-run when a worker died after recording the upload stage', async () => {
    const user = await createUser(fleet.db);
    const { job } = await submitEpisodeJob(fleet.ctx, { userId: user.id, request: request() });
    await waitForStatus(fleet.db, job.id, ['completed']);
    // The state a crash between "upload stage recorded" and "job completed" leaves behind.
    await fleet.db.job.update({
      where: { id: job.id },
      data: { status: 'running', episodeId: null, completedAt: null, progress: 90 },
    });
    await fleet.db.episode.delete({ where: { jobId: job.id } });
    const requeued = await reenqueueEpisodeJob(fleet.ctx, job.id);
    expect(requeued?.run).toBe(2);
    const done = await waitForStatus(fleet.db, job.id, ['completed', 'failed']);
    expect(done.status).toBe('completed');
    expect(await fleet.db.episode.count({ where: { jobId: job.id } })).toBe(1);
    const episode = await fleet.db.episode.findUniqueOrThrow({ where: { jobId: job.id } });
    expect(done.episodeId).toBe(episode.id);
    // Nothing was redone: every stage still has its single attempt.
    const stages = await fleet.db.jobStage.findMany({ where: { jobId: job.id } });
    expect(stages.map((st) => st.attempts)).toEqual([1, 1, 1, 1]);
  });

  it('fails a job with a clear error code when every source is empty, without retrying', async () => {
    const user = await createUser(fleet.db);
    const { job } = await submitEpisodeJob(fleet.ctx, {
      userId: user.id,
      request: request({ sources: [{ kind: 'url', url: 'file:///etc/passwd' }] }),
    });
    const failed = await waitForStatus(fleet.db, job.id, ['failed', 'completed']);
    expect(failed.status).toBe('failed');
    expect(failed.errorCode).toBe('SOURCE_FORBIDDEN');
    const scrape = await fleet.db.jobStage.findUniqueOrThrow({
      where: { jobId_stage: { jobId: job.id, stage: 'scrape' } },
    });
    expect(scrape.attempts).toBe(1);
    expect(await fleet.db.episode.count({ where: { jobId: job.id } })).toBe(0);
  });

  it('cancels a job during the audio stage: it stops between lines and publishes nothing', async () => {
    const user = await createUser(fleet.db);
    const { job } = await submitEpisodeJob(fleet.ctx, {
      userId: user.id,
      request: request({ style: { ...shortStyle, targetMinutes: 2 } }),
    });
    await waitFor(
      async () => {
        const row = await fleet.db.job.findUniqueOrThrow({ where: { id: job.id } });
        return row.phase === 'audio' && row.progress > 40 && row.progress < 70;
      },
      { timeoutMs: 30_000, intervalMs: 20, what: 'audio stage under way' },
    );
    const cancelled = await cancelEpisodeJob(fleet.ctx, job.id);
    expect(cancelled?.status).toBe('cancelled');
    expect(await cancelEpisodeJob(fleet.ctx, job.id)).toBeNull();
    const audioQueue = fleet.ctx.queues.audio;
    await waitFor(async () => (await audioQueue.getActiveCount()) === 0, { what: 'audio worker to stop' });
    const row = await fleet.db.job.findUniqueOrThrow({ where: { id: job.id } });
    expect(row.status).toBe('cancelled');
    expect(row.progress).toBeLessThan(80);
    expect(await fleet.db.episode.count({ where: { jobId: job.id } })).toBe(0);
    const audioStage = await fleet.db.jobStage.findUniqueOrThrow({
      where: { jobId_stage: { jobId: job.id, stage: 'audio' } },
    });
    expect(audioStage.status).not.toBe('completed');
    expect(await fleet.ctx.queues.upload.getJob(`${job.id}.${row.run}.upload`)).toBeUndefined();
  });
});

describe('retry resumes from the first unfinished stage', () => {
  it('re-runs only audio and upload after an audio failure', async () => {
    let failing = true;
    const { createEspeakEngine } = await import('@podfleet/tts');
    const espeak = createEspeakEngine({ backend: 'wasm' });
    // A TTS provider that refuses while `failing` (like a revoked API key): a permanent error.
    const flaky: TtsEngine = {
      name: espeak.name,
      voicesFor: (hosts) => espeak.voicesFor(hosts),
      synthesize: (req) =>
        failing
          ? Promise.reject(
              Object.assign(new Error('voice not found'), { code: 'TTS_FAILED', retryable: false }),
            )
          : espeak.synthesize(req),
      close: () => espeak.close(),
    };
    const fleet = await startFleet({ engine: flaky });
    try {
      const user = await createUser(fleet.db);
      const { job } = await submitEpisodeJob(fleet.ctx, { userId: user.id, request: request() });
      const failed = await waitForStatus(fleet.db, job.id, ['failed', 'completed']);
      expect([failed.status, failed.errorCode]).toEqual(['failed', 'TTS_FAILED']);
      // The failed attempt names its provider, for the operators' failure report.
      const failure = await fleet.db.jobEvent.findFirstOrThrow({
        where: { jobId: job.id, type: 'stage_failed' },
      });
      expect(failure.data).toMatchObject({ stage: 'audio', code: 'TTS_FAILED', provider: espeak.name });
      const before = await fleet.db.jobStage.findMany({ where: { jobId: job.id } });
      // The Job row is marked failed before BullMQ moves its job to failed: wait for that move.
      const audioJobId = `${job.id}.1.audio`;
      await waitFor(async () => (await fleet.ctx.queues.audio.getJobState(audioJobId)) === 'failed', {
        what: 'the audio job to be failed in BullMQ',
      });
      const bull = await fleet.ctx.queues.audio.getJob(audioJobId);
      expect(parseFailedReason(bull?.failedReason).code).toBe('TTS_FAILED');

      failing = false;
      const retried = await retryEpisodeJob(fleet.ctx, job.id);
      expect(retried?.status).toBe('queued');
      expect(retried?.run).toBe(2);
      expect(await retryEpisodeJob(fleet.ctx, job.id)).toBeNull();
      const done = await waitForStatus(fleet.db, job.id, ['completed', 'failed']);
      expect(done.status).toBe('completed');

      const after = await fleet.db.jobStage.findMany({ where: { jobId: job.id } });
      const byStage = (rows: typeof after, stage: string) => rows.find((r) => r.stage === stage)!;
      for (const stage of ['scrape', 'script']) {
        expect(byStage(after, stage).startedAt).toEqual(byStage(before, stage).startedAt);
        expect(byStage(after, stage).attempts).toBe(1);
      }
      expect(byStage(after, 'audio').status).toBe('completed');
      expect(await fleet.ctx.queues.scrape.getJob(`${job.id}.2.scrape`)).toBeUndefined();
    } finally {
      await fleet.close();
      await espeak.close();
    }
  });
});

describe('provider rate limits', () => {
  it('retries the scrape stage after a 429 from Congress.gov and completes', async () => {
    const congress = await startFakeCongress({
      apiKey: 'test-key',
      bills: [
        {
          congress: 117,
          type: 'HR',
          number: '3076',
          title: 'Postal Service Reform Act of 2022',
          updateDate: '2022-09-29',
          latestAction: { actionDate: '2022-04-06', text: 'Became Public Law No: 117-108.' },
          summaries: [
            {
              versionCode: '00',
              actionDate: '2022-04-06',
              actionDesc: 'Became law',
              updateDate: '2022-09-29',
              text:
                '<p>This bill addresses the finances and operations of the United States Postal Service. ' +
                'It repeals the requirement that the service prefund retiree health benefits. It requires ' +
                'eligible retirees to enroll in Medicare. It requires a public online dashboard of delivery ' +
                'performance, updated weekly, for each area of the country.</p>',
            },
          ],
        },
      ],
    });
    const fleet = await startFleet({
      scrape: { congress: { baseUrl: congress.baseUrl, apiKey: 'test-key' } },
    });
    try {
      congress.failNext(1, {
        status: 429,
        body: { error: { code: 'OVER_RATE_LIMIT', message: 'slow down' } },
        headers: { 'retry-after': '1' },
      });
      const user = await createUser(fleet.db);
      const { job } = await submitEpisodeJob(fleet.ctx, {
        userId: user.id,
        request: request({
          sources: [{ kind: 'congress', congress: 117, billType: 'hr', billNumber: 3076 }],
        }),
      });
      const done = await waitForStatus(fleet.db, job.id, ['completed', 'failed'], 90_000);
      expect({ status: done.status, error: done.errorCode }).toEqual({ status: 'completed', error: null });
      const scrape = await fleet.db.jobStage.findUniqueOrThrow({
        where: { jobId_stage: { jobId: job.id, stage: 'scrape' } },
      });
      expect(scrape.attempts).toBe(2);
      const events = await fleet.db.jobEvent.findMany({ where: { jobId: job.id, type: 'stage_failed' } });
      expect(events.map((e) => (e.data as { code: string }).code)).toEqual(['RATE_LIMITED']);
    } finally {
      await fleet.close();
      await congress.close();
    }
  });
});

describe('per-user fairness', () => {
  it('holds a user’s extra job until a slot frees, then runs it', async () => {
    const fleet = await startFleet({ userMaxActiveJobs: 1 });
    try {
      const user = await createUser(fleet.db);
      const first = await submitEpisodeJob(fleet.ctx, { userId: user.id, request: request() });
      const second = await submitEpisodeJob(fleet.ctx, { userId: user.id, request: request() });
      expect(first.job.enqueuedAt).not.toBeNull();
      expect(second.job.enqueuedAt).toBeNull();
      expect(second.job.run).toBe(0);
      const other = await submitEpisodeJob(fleet.ctx, {
        userId: (await createUser(fleet.db)).id,
        request: request(),
      });
      expect(other.job.enqueuedAt).not.toBeNull();
      const done = await waitForStatus(fleet.db, second.job.id, ['completed', 'failed'], 90_000);
      expect(done.status).toBe('completed');
      const firstDone = await fleet.db.job.findUniqueOrThrow({ where: { id: first.job.id } });
      expect(firstDone.completedAt!.getTime()).toBeLessThanOrEqual(done.startedAt!.getTime());
    } finally {
      await fleet.close();
    }
  });

  it('answers a repeated Idempotency-Key with the first job', async () => {
    const fleet = await startFleet();
    try {
      const user = await createUser(fleet.db);
      const [a, b] = await Promise.all([
        submitEpisodeJob(fleet.ctx, { userId: user.id, request: request(), idempotencyKey: 'k-1' }),
        submitEpisodeJob(fleet.ctx, { userId: user.id, request: request(), idempotencyKey: 'k-1' }),
      ]);
      expect(a.job.id).toBe(b.job.id);
      expect([a.deduplicated, b.deduplicated].sort()).toEqual([false, true]);
      expect(await fleet.db.job.count({ where: { userId: user.id } })).toBe(1);
      await waitForStatus(fleet.db, a.job.id, ['completed', 'failed']);
    } finally {
      await fleet.close();
    }
  });
});

import { cancelJob, markStageCompleted, startStage } from '@podfleet/db';
import { stageJobId } from '@podfleet/queue';
import {
  contextPerTest,
  createTestContext,
  createUser,
  customRequest,
  forgetRedis,
} from '../../test/maintenance';
import { writeArtifact } from '../artifacts';
import { submitEpisodeJob } from '../lifecycle';
import { reconcile, reconcileLockKey } from './reconciler';

describe('reconcile: PostgreSQL against Redis', () => {
  const t = contextPerTest();

  const submit = async () => {
    const user = await createUser(t.ctx);
    return (await submitEpisodeJob(t.ctx, { userId: user.id, request: customRequest() })).job;
  };
  const stateOf = (jobId: string, run: number, stage: 'scrape' | 'script' | 'audio' | 'upload') =>
    t.ctx.queues[stage].getJobState(stageJobId(jobId, run, stage));

  it('re-enqueues a job Redis forgot, under a new run, from its first unfinished stage', async () => {
    const job = await submit();
    // The scrape stage finished (artifact recorded) before Redis lost everything.
    await startStage(t.ctx.db, { jobId: job.id, run: job.run, stage: 'scrape' });
    const artifact = await writeArtifact(t.ctx, job.id, 'sources', { documents: [] });
    await markStageCompleted(t.ctx.db, job.id, 'scrape', {
      artifactKey: artifact.key,
      checksum: artifact.checksum,
    });
    await forgetRedis(t.ctx);

    const result = await reconcile(t.ctx, { graceMs: 0 });
    expect(result).toMatchObject({ ran: true, reenqueued: [job.id], failed: [] });
    const row = await t.ctx.db.job.findUniqueOrThrow({ where: { id: job.id } });
    expect([row.run, row.status]).toEqual([2, 'running']);
    expect(await stateOf(job.id, 2, 'scrape')).toBe('unknown');
    expect(['waiting', 'prioritized']).toContain(await stateOf(job.id, 2, 'script'));
    expect(await stateOf(job.id, 2, 'upload')).toBe('waiting-children');
    const events = await t.ctx.db.jobEvent.findMany({ where: { jobId: job.id, type: 'reconciled' } });
    expect(events.map((e) => e.data)).toEqual([{ run: 1, reason: 'lost' }]);

    // The new run is alive in Redis: a second pass leaves it alone.
    expect((await reconcile(t.ctx, { graceMs: 0 })).reenqueued).toEqual([]);
  });

  it('re-runs only upload for a job whose every stage is recorded but which was never published', async () => {
    const job = await submit();
    for (const stage of ['scrape', 'script', 'audio', 'upload'] as const) {
      await startStage(t.ctx.db, { jobId: job.id, run: job.run, stage });
      const artifactKey = `jobs/${job.id}/${stage}.json`;
      const { checksum } = await t.ctx.storage.put(artifactKey, Buffer.from(stage), {
        contentType: 'application/json',
      });
      await markStageCompleted(t.ctx.db, job.id, stage, { artifactKey, checksum });
    }
    await forgetRedis(t.ctx);
    const result = await reconcile(t.ctx, { graceMs: 0 });
    // Seen once on a loaded machine: nothing re-enqueued. What the job looked like then, if again.
    const row = await t.ctx.db.job.findUniqueOrThrow({ where: { id: job.id } });
    expect({ reenqueued: result.reenqueued, result, row }).toMatchObject({
      reenqueued: [job.id],
      result: { ran: true },
    });
    expect(await stateOf(job.id, 2, 'audio')).toBe('unknown');
    expect(['waiting', 'prioritized']).toContain(await stateOf(job.id, 2, 'upload'));
    const events = await t.ctx.db.jobEvent.findMany({ where: { jobId: job.id, type: 'reconciled' } });
    expect(events.map((e) => e.data)).toEqual([{ run: 1, reason: 'unpublished' }]);
  });

  it('leaves alone jobs Redis still carries, and lost jobs updated within the grace period', async () => {
    const alive = await submit();
    expect((await reconcile(t.ctx, { graceMs: 0 })).reenqueued).not.toContain(alive.id);
    await forgetRedis(t.ctx);
    const recent = await reconcile(t.ctx, { graceMs: 60_000 });
    expect(recent).toMatchObject({ ran: true, checked: 0, reenqueued: [] });
    const later = await reconcile(t.ctx, { graceMs: 60_000, now: new Date(Date.now() + 61_000) });
    expect(later.reenqueued).toEqual([alive.id]);
  });

  it('examines every candidate, however many, in bounded batches', async () => {
    const jobs = await Promise.all(Array.from({ length: 5 }, () => submit()));
    await forgetRedis(t.ctx);
    const result = await reconcile(t.ctx, { graceMs: 0, batchSize: 2 });
    expect(result.checked).toBe(5);
    expect([...result.reenqueued].sort()).toEqual(jobs.map((j) => j.id).sort());
  });

  it('does nothing while another process holds the reconcile lock', async () => {
    const job = await submit();
    await forgetRedis(t.ctx);
    await t.ctx.redis.set(reconcileLockKey(t.ctx.prefix), 'someone-else', 'PX', 10_000);
    expect(await reconcile(t.ctx, { graceMs: 0 })).toMatchObject({ ran: false, reenqueued: [] });
    expect(await t.ctx.redis.get(reconcileLockKey(t.ctx.prefix))).toBe('someone-else');
    await t.ctx.redis.del(reconcileLockKey(t.ctx.prefix));
    expect((await reconcile(t.ctx, { graceMs: 0 })).reenqueued).toEqual([job.id]);
    expect(await t.ctx.redis.exists(reconcileLockKey(t.ctx.prefix))).toBe(0);
  });

  describe('stage jobs Redis failed while the database still says active', () => {
    // A scrape worker that fails without reaching the database, as one does while PostgreSQL is down.
    const failScrapeWith = async (error: { code: string; message: string }) => {
      const runtime = t.startWorkers({
        scrape: async () => {
          throw Object.assign(new Error(error.message), { code: error.code, retryable: false });
        },
        // BullMQ fails a parent when a worker of its queue picks it up (deferred failure): the
        // processors themselves never run.
        script: async () => {},
        audio: async () => {},
        upload: async () => {},
      });
      await runtime.ready;
      return runtime;
    };

    it('records a real failure in the database (code from BullMQ) instead of re-running it', async () => {
      await failScrapeWith({ code: 'SOURCE_FORBIDDEN', message: 'file: URLs are not allowed' });
      const job = await submit();
      await waitForState(() => stateOf(job.id, 1, 'upload'), 'failed');
      const result = await reconcile(t.ctx, { graceMs: 0 });
      expect(result).toMatchObject({ reenqueued: [], failed: [job.id] });
      const row = await t.ctx.db.job.findUniqueOrThrow({ where: { id: job.id } });
      expect([row.status, row.errorCode, row.errorMessage]).toEqual([
        'failed',
        'SOURCE_FORBIDDEN',
        'file: URLs are not allowed',
      ]);
    });

    it('re-enqueues a job whose stage ran out of attempts because the database was unavailable', async () => {
      const runtime = await failScrapeWith({
        code: 'DB_UNAVAILABLE',
        message: 'database unavailable: Connection terminated',
      });
      const job = await submit();
      await waitForState(() => stateOf(job.id, 1, 'upload'), 'failed');
      await runtime.close();
      const result = await reconcile(t.ctx, { graceMs: 0 });
      expect(result).toMatchObject({ reenqueued: [job.id], failed: [] });
      expect(['waiting', 'prioritized']).toContain(await stateOf(job.id, 2, 'scrape'));
      const events = await t.ctx.db.jobEvent.findMany({ where: { jobId: job.id, type: 'reconciled' } });
      expect(events.map((e) => e.data)).toEqual([{ run: 1, reason: 'db-unavailable' }]);
    });
  });

  it('starts waiting jobs of users whose slots are free', async () => {
    const limited = await createTestContext({ userMaxActiveJobs: 1 });
    try {
      const user = await createUser(limited.ctx);
      const first = await submitEpisodeJob(limited.ctx, { userId: user.id, request: customRequest() });
      const second = await submitEpisodeJob(limited.ctx, { userId: user.id, request: customRequest() });
      expect(second.job.enqueuedAt).toBeNull();
      // The first job ended without the promotion that normally follows (its process died).
      await cancelJob(limited.ctx.db, first.job.id);
      const result = await reconcile(limited.ctx, { graceMs: 0 });
      expect(result.promoted).toBe(1);
      const row = await limited.ctx.db.job.findUniqueOrThrow({ where: { id: second.job.id } });
      expect(row.enqueuedAt).not.toBeNull();
      expect(row.run).toBe(1);
    } finally {
      await limited.close();
    }
  });
});

async function waitForState(read: () => Promise<string>, state: string): Promise<void> {
  const { waitFor } = await import('@podfleet/test-kit');
  await waitFor(async () => (await read()) === state, { timeoutMs: 10_000, what: `BullMQ state ${state}` });
}

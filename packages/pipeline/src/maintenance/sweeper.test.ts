import { startStage } from '@podfleet/db';
import { STAGES, stageJobId } from '@podfleet/queue';
import { waitFor } from '@podfleet/test-kit';
import { contextPerTest, createUser, customRequest } from '../../test/maintenance';
import { retryEpisodeJob, submitEpisodeJob } from '../lifecycle';
import { DEFAULT_STAGE_DEADLINES_MS, sweepStuckJobs } from './sweeper';

const MINUTE = 60_000;

describe('sweepStuckJobs', () => {
  const t = contextPerTest();

  const submit = async () => {
    const user = await createUser(t.ctx);
    return (await submitEpisodeJob(t.ctx, { userId: user.id, request: customRequest() })).job;
  };
  const statesOf = (jobId: string, run: number) =>
    Promise.all(STAGES.map((stage) => t.ctx.queues[stage].getJobState(stageJobId(jobId, run, stage))));

  it('has generous default deadlines per stage', () => {
    expect(DEFAULT_STAGE_DEADLINES_MS).toEqual({
      scrape: 5 * MINUTE,
      script: 10 * MINUTE,
      audio: 30 * MINUTE,
      upload: 5 * MINUTE,
      clips: 30 * MINUTE,
    });
  });

  it('fails a job past its stage deadline with TIMEOUT, clears its stages from Redis, and lets it be retried', async () => {
    const job = await submit();
    const another = await submit();
    // Both are in the scrape stage (a worker took them, then hung).
    await startStage(t.ctx.db, { jobId: job.id, run: job.run, stage: 'scrape' });
    await startStage(t.ctx.db, { jobId: another.id, run: another.run, stage: 'scrape' });

    expect((await sweepStuckJobs(t.ctx, { now: new Date(Date.now() + 4 * MINUTE) })).timedOut).toEqual([]);
    const result = await sweepStuckJobs(t.ctx, {
      now: new Date(Date.now() + 2 * MINUTE),
      stageDeadlinesMs: { scrape: MINUTE },
    });
    expect(result.checked).toBe(2);
    expect(result.timedOut.map((s) => [s.jobId, s.stage])).toEqual(
      expect.arrayContaining([
        [job.id, 'scrape'],
        [another.id, 'scrape'],
      ]),
    );
    const row = await t.ctx.db.job.findUniqueOrThrow({ where: { id: job.id } });
    expect([row.status, row.errorCode]).toEqual(['failed', 'TIMEOUT']);
    expect(row.errorMessage).toMatch(/scrape stage ran for \d+ s, past its 60 s deadline/);
    const stage = await t.ctx.db.jobStage.findUniqueOrThrow({
      where: { jobId_stage: { jobId: job.id, stage: 'scrape' } },
    });
    expect([stage.status, stage.errorCode]).toEqual(['failed', 'TIMEOUT']);
    expect(await statesOf(job.id, 1)).toEqual(['unknown', 'unknown', 'unknown', 'unknown']);

    const retried = await retryEpisodeJob(t.ctx, job.id);
    expect([retried?.status, retried?.run]).toEqual(['queued', 2]);
    expect(['waiting', 'prioritized']).toContain((await statesOf(job.id, 2))[0]);
  });

  it('leaves a job within its deadline alone', async () => {
    const job = await submit();
    await startStage(t.ctx.db, { jobId: job.id, run: job.run, stage: 'scrape' });
    const result = await sweepStuckJobs(t.ctx, { now: new Date(Date.now() + 4 * MINUTE) });
    expect(result).toMatchObject({ ran: true, checked: 1, timedOut: [] });
    expect((await t.ctx.db.job.findUniqueOrThrow({ where: { id: job.id } })).status).toBe('running');
  });

  it('never leaves a parent in waiting-children when the hung stage is still active in a worker', async () => {
    let release!: () => void;
    const hung = new Promise<void>((resolve) => {
      release = resolve;
    });
    const runtime = t.startWorkers({
      scrape: async ({ jobId, run }) => {
        await startStage(t.ctx.db, { jobId, run, stage: 'scrape' });
        await hung;
      },
      script: async () => {},
      audio: async () => {},
      upload: async () => {},
    });
    await runtime.ready;
    const job = await submit();
    await waitFor(
      async () =>
        (
          await t.ctx.db.jobStage.findUniqueOrThrow({
            where: { jobId_stage: { jobId: job.id, stage: 'scrape' } },
          })
        ).status === 'running',
      { what: 'scrape to be running' },
    );

    const result = await sweepStuckJobs(t.ctx, { now: new Date(Date.now() + 6 * MINUTE) });
    expect(result.timedOut.map((s) => s.jobId)).toEqual([job.id]);
    // The active stage cannot be removed (its worker holds the lock); every parent is gone.
    expect(await statesOf(job.id, 1)).toEqual(['active', 'unknown', 'unknown', 'unknown']);
    release();
    await waitFor(async () => (await statesOf(job.id, 1))[0] === 'completed', {
      what: 'the hung stage to end',
    });
    for (const stage of STAGES) {
      expect(
        await t.ctx.queues[stage].getJobCounts('waiting-children', 'waiting', 'prioritized', 'active'),
      ).toEqual({
        'waiting-children': 0,
        waiting: 0,
        prioritized: 0,
        active: 0,
      });
    }
    expect((await t.ctx.db.job.findUniqueOrThrow({ where: { id: job.id } })).status).toBe('failed');
  });
});

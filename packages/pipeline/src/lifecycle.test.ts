import { failJob, newJobId } from '@podfleet/db';
import { stageJobId } from '@podfleet/queue';
import { createTestContext, createUser, customRequest, type TestContext } from '../test/maintenance';
import { cancelEpisodeJob, retryEpisodeJob, submitEpisodeJob, submitUploadJob } from './lifecycle';

let t: TestContext;

beforeAll(async () => {
  t = await createTestContext({ userMaxActiveJobs: 1 });
});

afterAll(async () => {
  await t.close();
});

const scrapeInRedis = async (jobId: string, run: number) =>
  (await t.ctx.queues.scrape.getJob(stageJobId(jobId, run, 'scrape'))) !== undefined;

describe('retry takes a slot by the same rule as a submit', () => {
  it('re-enqueues a failed job at once when its user has a free slot', async () => {
    const user = await createUser(t.ctx);
    const { job } = await submitEpisodeJob(t.ctx, { userId: user.id, request: customRequest() });
    await failJob(t.ctx.db, job.id, 'TEST_FAILED', 'failed on purpose');

    const retried = await retryEpisodeJob(t.ctx, job.id);
    expect(retried).toMatchObject({ id: job.id, status: 'queued', run: job.run + 1 });
    expect(retried?.enqueuedAt).not.toBeNull();
    expect(await scrapeInRedis(job.id, job.run + 1)).toBe(true);
  });

  it('leaves a retried job waiting while its user’s slot is taken, and starts it when the slot frees', async () => {
    const user = await createUser(t.ctx);
    const { job: first } = await submitEpisodeJob(t.ctx, { userId: user.id, request: customRequest() });
    await failJob(t.ctx.db, first.id, 'TEST_FAILED', 'failed on purpose');
    const { job: second } = await submitEpisodeJob(t.ctx, { userId: user.id, request: customRequest() });
    expect(second.enqueuedAt).not.toBeNull(); // the failed job freed the only slot

    const retried = await retryEpisodeJob(t.ctx, first.id);
    expect(retried).toMatchObject({ id: first.id, status: 'queued', enqueuedAt: null, run: first.run });
    expect(await scrapeInRedis(first.id, first.run + 1)).toBe(false);

    await cancelEpisodeJob(t.ctx, second.id);
    const promoted = await t.ctx.db.job.findUniqueOrThrow({ where: { id: first.id } });
    expect(promoted).toMatchObject({ status: 'queued', run: first.run + 1 });
    expect(promoted.enqueuedAt).not.toBeNull();
    expect(await scrapeInRedis(first.id, first.run + 1)).toBe(true);
  });
});

describe('upload jobs', () => {
  const uploadRequest = (name: string) => ({
    title: name,
    upload: {
      prefix: `jobs/${name}/upload/`,
      audioKey: `jobs/${name}/upload/audio.mp3`,
      format: 'mp3',
      sizeBytes: 1000,
      filename: `${name}.mp3`,
      transcriptKey: null,
    },
  });
  const inRedis = async (jobId: string, run: number, stage: 'scrape' | 'script' | 'audio' | 'upload') =>
    (await t.ctx.queues[stage].getJob(stageJobId(jobId, run, stage))) !== undefined;

  it('record scrape and script skipped and start at audio, also when one waited for a slot', async () => {
    const user = await createUser(t.ctx);
    const { job: first } = await submitUploadJob(t.ctx, {
      jobId: newJobId(),
      userId: user.id,
      request: uploadRequest('first'),
    });
    expect(first).toMatchObject({ type: 'upload', status: 'queued', run: 1 });
    expect(await inRedis(first.id, 1, 'audio')).toBe(true);
    expect(await inRedis(first.id, 1, 'upload')).toBe(true);
    expect(await inRedis(first.id, 1, 'scrape')).toBe(false);
    const stages = await t.ctx.db.jobStage.findMany({ where: { jobId: first.id } });
    expect(Object.fromEntries(stages.map((s) => [s.stage, s.status]))).toEqual({
      scrape: 'skipped',
      script: 'skipped',
      audio: 'pending',
      upload: 'pending',
    });

    const { job: second } = await submitUploadJob(t.ctx, {
      jobId: newJobId(),
      userId: user.id,
      request: uploadRequest('second'),
    });
    expect(second.enqueuedAt).toBeNull(); // the user's only slot is taken
    await cancelEpisodeJob(t.ctx, first.id);
    const promoted = await t.ctx.db.job.findUniqueOrThrow({ where: { id: second.id } });
    expect(promoted.enqueuedAt).not.toBeNull();
    expect(await inRedis(second.id, promoted.run, 'audio')).toBe(true);
    expect(await inRedis(second.id, promoted.run, 'scrape')).toBe(false);
    await cancelEpisodeJob(t.ctx, second.id);
  });
});

import { failJob } from '@podfleet/db';
import { stageJobId } from '@podfleet/queue';
import { createTestContext, createUser, customRequest, type TestContext } from '../test/maintenance';
import { cancelEpisodeJob, retryEpisodeJob, submitEpisodeJob } from './lifecycle';

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

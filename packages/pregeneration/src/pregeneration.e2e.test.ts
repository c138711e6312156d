// The real stages in-process (espeak, local script writer, fs storage) on real Redis and
// PostgreSQL: partial pre-generation, then the request that only voices and publishes it.
import type { Job } from '@podfleet/db';
import { episodeRequestSchema } from '@podfleet/pipeline';
import { stageJobId } from '@podfleet/queue';
import { waitFor } from '@podfleet/test-kit';
import { createTestContext, createUser, startStageWorkers, type TestContext } from '../test/context';
import { readEpisodeCache } from './cache';
import { generateEpisode } from './request';
import { runPregeneration } from './run';

describe('pre-generation with the real stages', () => {
  let t: TestContext;
  let workers: { close(): Promise<void> };
  beforeAll(async () => {
    t = await createTestContext();
    workers = await startStageWorkers(t.ctx);
  });
  afterAll(async () => {
    await workers.close();
    await t.close();
  });
  beforeEach(async () => {
    await t.db.user.deleteMany();
  });

  // The upload stage completes the job and runs the cache hook before its own stage row is
  // marked completed: wait for that row too, so the hook has run.
  const finished = (jobId: string, timeoutMs = 60_000) =>
    waitFor(
      async () => {
        const job = await t.db.job.findUniqueOrThrow({ where: { id: jobId } });
        if (!['completed', 'failed', 'cancelled'].includes(job.status)) return undefined;
        const last = await t.db.jobStage.findUniqueOrThrow({
          where: { jobId_stage: { jobId, stage: job.partial ? 'script' : 'upload' } },
        });
        return job.status !== 'completed' || last.status === 'completed' ? job : undefined;
      },
      { timeoutMs, intervalMs: 50, what: `job ${jobId} to finish` },
    );
  const stagesOf = async (jobId: string) =>
    Object.fromEntries(
      (await t.db.jobStage.findMany({ where: { jobId } })).map((s) => [s.stage, s] as const),
    );
  const daily = (extra: Record<string, unknown> = {}) =>
    episodeRequestSchema.parse({ type: 'daily', ...extra });

  it('partial pre-generation writes the script only; the request then runs audio and upload alone, and is cached', async () => {
    const user = await createUser(t.db, { pregenerateTier: 'partial', timezone: 'Asia/Tokyo' });
    const run = await runPregeneration(t.ctx, { now: new Date(), mode: 'all' });
    expect(run).toMatchObject({ successful: 1, failed: 0 });

    // The partial job completes after its script, without an episode.
    const partialId = (await t.db.job.findFirstOrThrow({ where: { userId: user.id } })).id;
    const partial = await finished(partialId);
    expect({ status: partial.status, episodeId: partial.episodeId, partial: partial.partial }).toEqual({
      status: 'completed',
      episodeId: null,
      partial: true,
    });
    const partialStages = await stagesOf(partialId);
    expect(Object.fromEntries(Object.entries(partialStages).map(([k, s]) => [k, s.status]))).toEqual({
      scrape: 'completed',
      script: 'completed',
      audio: 'pending',
      upload: 'pending',
    });
    expect(await t.db.episode.count({ where: { userId: user.id } })).toBe(0);

    // The user asks for today's episode: a new job that takes over the script.
    const answer = await generateEpisode(t.ctx, { user, request: daily() });
    expect(answer.reusedFrom).toBe(partialId);
    const done = await finished(answer.job.id);
    expect({ status: done.status, error: done.errorMessage }).toEqual({ status: 'completed', error: null });
    expect(done.wordCount).toBe(partial.wordCount);

    const stages = await stagesOf(done.id);
    for (const stage of ['scrape', 'script'] as const) {
      // Never started in this job: taken over, same bytes as the partial job's artifact.
      expect(stages[stage]).toMatchObject({ status: 'completed', attempts: 0, startedAt: null });
      expect(stages[stage]!.checksum).toBe(partialStages[stage]!.checksum);
      expect(stages[stage]!.artifactKey).toMatch(new RegExp(`^jobs/${done.id}/`));
      expect((await t.ctx.storage.head(stages[stage]!.artifactKey!))?.checksum).toBe(stages[stage]!.checksum);
      expect(await t.ctx.queues[stage].getJob(stageJobId(done.id, 1, stage))).toBeUndefined();
    }
    for (const stage of ['audio', 'upload'] as const) {
      expect(stages[stage]).toMatchObject({ status: 'completed', attempts: 1 });
    }
    const events = await t.db.jobEvent.findMany({ where: { jobId: done.id }, orderBy: { id: 'asc' } });
    expect(
      events.filter((e) => e.type === 'stage_started').map((e) => (e.data as { stage: string }).stage),
    ).toEqual(['audio', 'upload']);
    expect(events.filter((e) => e.type === 'stage_reused')).toHaveLength(2);

    // Published through the cache hook: the next request is a hit, without a job.
    const episode = await t.db.episode.findUniqueOrThrow({ where: { jobId: done.id } });
    const jobs = await t.db.job.count();
    const hit = await readEpisodeCache(t.ctx, user, 'daily');
    expect(hit).toMatchObject({
      source: 'cache',
      episode: { id: episode.id, audioKey: episode.audioKey },
    });
    expect(await t.db.job.count()).toBe(jobs);
  });

  it('forceRegenerate makes a full new episode that replaces the cached one', async () => {
    const user = await createUser(t.db);
    const first = await generateEpisode(t.ctx, { user, request: daily() });
    const firstDone = await finished(first.job.id);
    expect((await readEpisodeCache(t.ctx, user, 'daily'))?.episode.id).toBe(firstDone.episodeId);

    const forced = await generateEpisode(t.ctx, { user, request: daily({ forceRegenerate: true }) });
    const forcedDone = await finished(forced.job.id);
    expect(forcedDone.status).toBe('completed');
    expect(forcedDone.episodeId).not.toBe(firstDone.episodeId);
    const stages = await stagesOf(forcedDone.id);
    expect(stages.scrape).toMatchObject({ attempts: 1 }); // nothing reused: all four ran
    expect(await readEpisodeCache(t.ctx, user, 'daily')).toMatchObject({
      source: 'cache',
      episode: { id: forcedDone.episodeId },
    });
  });

  it('submits batch by batch, each once the previous pre-generated jobs left the fleet', async () => {
    for (let i = 0; i < 3; i++) await createUser(t.db, { pregenerateTier: 'partial' });
    const result = await runPregeneration(t.ctx, {
      now: new Date(),
      mode: 'all',
      batchSize: 1,
      maxInFlight: 1,
      batchWaitMs: 60_000,
      pollMs: 20,
    });
    expect(result).toMatchObject({ successful: 3, deferred: 0, failed: 0 });
    const jobs: Job[] = [];
    for (const job of await t.db.job.findMany({ orderBy: { createdAt: 'asc' } }))
      jobs.push(await finished(job.id));
    for (let i = 1; i < jobs.length; i++) {
      // Job i entered the queue only after job i-1 had completed.
      expect(jobs[i]!.createdAt.getTime()).toBeGreaterThanOrEqual(jobs[i - 1]!.completedAt!.getTime());
    }
  });
});

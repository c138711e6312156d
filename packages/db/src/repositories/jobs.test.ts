import { types } from 'node:util';
import { customJobInput } from '../../test/jobs';
import {
  createPrismaClient,
  isUniqueViolation,
  type PrismaClient,
  type Stage,
  UNIQUE_CONSTRAINTS,
  type User,
} from '../index';
import {
  appendEvent,
  beginRun,
  cancelJob,
  claimWaitingJobs,
  completeJob,
  createJobWithStages,
  failJob,
  findIdempotentJob,
  firstUnfinishedStage,
  JOB_STAGES,
  markStageCompleted,
  markStageFailed,
  retryJob,
  STAGES,
  type SubmitJobInput,
  startStage,
  submitJob,
  updateProgress,
} from './jobs';

let db: PrismaClient;
let user: User;

beforeAll(async () => {
  db = createPrismaClient(process.env.DATABASE_URL as string);
});
afterAll(() => db.$disconnect());
beforeEach(async () => {
  user = await db.user.create({ data: { email: `jobs-${Date.now()}-${Math.random()}@example.com` } });
});

const newJob = (extra: { idempotencyKey?: string; userId?: string } = {}) =>
  createJobWithStages(db, { userId: user.id, type: 'custom', request: { sources: [] }, ...extra });

/** Starts `stage` of the job's current run. */
const start = (job: { id: string; run: number }, stage: Stage) =>
  startStage(db, { jobId: job.id, run: job.run, stage });

const eventTypes = async (jobId: string) =>
  (await db.jobEvent.findMany({ where: { jobId }, orderBy: { id: 'asc' } })).map((e) => e.type);

test('createJobWithStages makes a queued job, four pending stages and a created event', async () => {
  const job = await createJobWithStages(db, {
    userId: user.id,
    type: 'daily',
    request: { type: 'daily' },
    priority: 'high',
    cacheKey: `podcast:${user.id}:daily:2026-01-02`,
  });
  expect(job).toMatchObject({ status: 'queued', progress: 0, priority: 'high', run: 0 });
  const stages = await db.jobStage.findMany({ where: { jobId: job.id } });
  expect(stages.map((s) => s.stage).sort()).toEqual([...STAGES].sort());
  expect(stages.every((s) => s.status === 'pending' && s.attempts === 0)).toBe(true);
  expect(await eventTypes(job.id)).toEqual(['created']);
});

test('an idempotency key is unique per user, not across users; jobs without one never clash', async () => {
  await newJob({ idempotencyKey: 'same' });
  const second = newJob({ idempotencyKey: 'same' });
  await expect(second).rejects.toThrow();
  const err = await second.catch((e: unknown) => e);
  expect(isUniqueViolation(err)).toBe(true);
  expect(isUniqueViolation(err, UNIQUE_CONSTRAINTS.jobIdempotencyKey)).toBe(true);
  expect(isUniqueViolation(err, UNIQUE_CONSTRAINTS.userEmail)).toBe(false);
  expect(isUniqueViolation(new Error('other'))).toBe(false);
  // The failed create left nothing behind.
  expect(await db.job.count({ where: { userId: user.id } })).toBe(1);

  const other = await db.user.create({ data: { email: `other-${Date.now()}@example.com` } });
  await expect(newJob({ idempotencyKey: 'same', userId: other.id })).resolves.toMatchObject({
    userId: other.id,
  });
  await newJob();
  await newJob();
  expect(await db.job.count({ where: { userId: user.id } })).toBe(3);
});

test('progress never goes backwards, even under concurrent updates', async () => {
  const job = await newJob();
  await start(job, 'audio');
  expect(
    await updateProgress(db, job.id, { phase: 'audio', progress: 50, currentStep: 'line 5/10' }),
  ).toEqual({
    status: 'running',
    phase: 'audio',
    progress: 50,
    currentStep: 'line 5/10',
  });
  // Lower value: progress kept, step replaced.
  expect(
    await updateProgress(db, job.id, { phase: 'audio', progress: 30, currentStep: 'line 3/10' }),
  ).toMatchObject({
    progress: 50,
    currentStep: 'line 3/10',
  });
  // Omitted step is kept; out-of-range and fractional values are clamped/rounded.
  expect(await updateProgress(db, job.id, { phase: 'audio', progress: 55.6 })).toMatchObject({
    progress: 56,
    currentStep: 'line 3/10',
  });
  expect(
    await updateProgress(db, job.id, { phase: 'upload', progress: 250, currentStep: null }),
  ).toMatchObject({
    progress: 100,
    currentStep: null,
  });

  const racer = await newJob();
  await start(racer, 'audio');
  const values = Array.from({ length: 40 }, (_, i) => 41 + ((i * 17) % 40)); // 41..80, shuffled
  await Promise.all(values.map((progress) => updateProgress(db, racer.id, { phase: 'audio', progress })));
  expect((await db.job.findUniqueOrThrow({ where: { id: racer.id } })).progress).toBe(80);
});

test('updateProgress on a job no longer active changes nothing and returns null', async () => {
  const job = await newJob();
  await cancelJob(db, job.id);
  expect(await updateProgress(db, job.id, { phase: 'scrape', progress: 10 })).toBeNull();
  expect(await db.job.findUniqueOrThrow({ where: { id: job.id } })).toMatchObject({
    status: 'cancelled',
    progress: 0,
  });
});

test('stage lifecycle: started, failed, started again, completed; the job follows', async () => {
  const job = await newJob();
  const started = await start(job, 'scrape');
  const running = await db.job.findUniqueOrThrow({ where: { id: job.id } });
  expect(started).toEqual({ outcome: 'started', job: running, artifacts: {} });
  expect(running).toMatchObject({ status: 'running', phase: 'scrape', attempts: 1 });
  expect(types.isDate(running.startedAt)).toBe(true);
  expect(
    await db.jobStage.findUniqueOrThrow({ where: { jobId_stage: { jobId: job.id, stage: 'scrape' } } }),
  ).toMatchObject({ status: 'running', attempts: 1 });

  const failed = await markStageFailed(db, job.id, 'scrape', {
    code: 'SOURCE_TIMEOUT',
    message: 'feed timed out',
  });
  expect(failed).toMatchObject({ status: 'failed', errorCode: 'SOURCE_TIMEOUT', attempts: 1 });
  expect(failed.durationMs).toBeGreaterThanOrEqual(0);
  expect(await firstUnfinishedStage(db, job.id)).toBe('scrape');

  await start(job, 'scrape');
  const done = await markStageCompleted(db, job.id, 'scrape', {
    artifactKey: `jobs/${job.id}/sources.json`,
    checksum: 'c'.repeat(64),
    costUsd: 0.25,
    providers: { source: 'sample' },
  });
  expect(done).toMatchObject({ status: 'completed', attempts: 2, errorCode: null, checksum: 'c'.repeat(64) });
  expect(done.durationMs).toBeGreaterThanOrEqual(0);
  expect(types.isDate(done.finishedAt)).toBe(true);

  await start(job, 'script');
  await markStageCompleted(db, job.id, 'script', {
    artifactKey: `jobs/${job.id}/script.json`,
    checksum: 'd'.repeat(64),
    costUsd: 0.5,
    wordCount: 430,
    providers: { script: 'local' },
  });
  const afterScript = await db.job.findUniqueOrThrow({ where: { id: job.id } });
  expect(afterScript).toMatchObject({
    progress: 40,
    phase: 'script',
    attempts: 1,
    costUsd: 0.75,
    wordCount: 430,
    providers: { source: 'sample', script: 'local' },
  });
  expect(await firstUnfinishedStage(db, job.id)).toBe('audio');
  expect(await eventTypes(job.id)).toEqual([
    'created',
    'stage_started',
    'stage_failed',
    'stage_started',
    'stage_completed',
    'stage_started',
    'stage_completed',
  ]);
});

test('startStage on a cancelled job reports it inactive and leaves the stage alone', async () => {
  const job = await newJob();
  const cancelled = await cancelJob(db, job.id);
  expect(await start(job, 'scrape')).toEqual({ outcome: 'inactive', job: cancelled });
  expect(
    await db.jobStage.findUniqueOrThrow({ where: { jobId_stage: { jobId: job.id, stage: 'scrape' } } }),
  ).toMatchObject({ status: 'pending', attempts: 0 });
  expect((await db.job.findUniqueOrThrow({ where: { id: job.id } })).status).toBe('cancelled');
});

test('startStage leaves an older run alone and reports a recorded stage unless restarted', async () => {
  const job = await newJob();
  expect(await startStage(db, { jobId: job.id, run: job.run + 1, stage: 'scrape' })).toEqual({
    outcome: 'old_run',
    currentRun: job.run,
  });
  expect(await startStage(db, { jobId: 'no-such-job', run: 1, stage: 'scrape' })).toEqual({
    outcome: 'old_run',
    currentRun: null,
  });
  expect((await db.jobStage.findMany({ where: { jobId: job.id, attempts: { gt: 0 } } })).length).toBe(0);

  await start(job, 'scrape');
  await markStageCompleted(db, job.id, 'scrape', { artifactKey: 'sources.json', checksum: 'e'.repeat(64) });
  expect(await start(job, 'scrape')).toEqual({
    outcome: 'recorded',
    job: await db.job.findUniqueOrThrow({ where: { id: job.id } }),
    artifact: { key: 'sources.json', checksum: 'e'.repeat(64) },
  });
  // A later stage starts knowing what the earlier ones recorded.
  expect(await start(job, 'script')).toMatchObject({
    outcome: 'started',
    artifacts: { scrape: { key: 'sources.json', checksum: 'e'.repeat(64) } },
  });
  // The artifact turned out missing: the stage runs again, as a second attempt.
  expect(await startStage(db, { jobId: job.id, run: job.run, stage: 'scrape', restart: true })).toMatchObject(
    {
      outcome: 'started',
    },
  );
  expect(
    await db.jobStage.findUniqueOrThrow({ where: { jobId_stage: { jobId: job.id, stage: 'scrape' } } }),
  ).toMatchObject({ status: 'running', attempts: 2 });
});

test("claimWaitingJobs enqueues a user's waiting jobs into free slots, highest priority first", async () => {
  const waiting = async (priority: 'high' | 'normal' | 'low') =>
    createJobWithStages(db, { userId: user.id, type: 'custom', request: {}, priority });
  const active = await createJobWithStages(db, {
    userId: user.id,
    type: 'custom',
    request: {},
    enqueuedAt: new Date(),
    run: 1,
  });
  const low = await waiting('low');
  const normal = await waiting('normal');
  const high = await waiting('high');
  const claimed = await claimWaitingJobs(db, user.id, 3);
  expect(claimed.map((j) => j.id)).toEqual([high.id, normal.id]);
  expect(claimed.every((j) => j.run === 1 && types.isDate(j.enqueuedAt))).toBe(true);
  expect(claimed[0]).toEqual(await db.job.findUniqueOrThrow({ where: { id: high.id } }));
  // Every slot is taken now.
  expect(await claimWaitingJobs(db, user.id, 3)).toEqual([]);
  await cancelJob(db, active.id);
  expect((await claimWaitingJobs(db, user.id, 3)).map((j) => j.id)).toEqual([low.id]);
});

test('firstUnfinishedStage is null once every stage is completed or skipped', async () => {
  const job = await newJob();
  await db.jobStage.updateMany({ where: { jobId: job.id }, data: { status: 'completed' } });
  await db.jobStage.update({
    where: { jobId_stage: { jobId: job.id, stage: 'upload' } },
    data: { status: 'skipped' },
  });
  expect(await firstUnfinishedStage(db, job.id)).toBeNull();
});

test('completeJob and failJob only finish active jobs', async () => {
  const job = await newJob();
  await start(job, 'upload');
  const completed = await completeJob(db, job.id);
  expect(completed).toMatchObject({ status: 'completed', progress: 100, currentStep: null });
  expect(types.isDate(completed?.completedAt)).toBe(true);
  expect(await failJob(db, job.id, 'LATE', 'too late')).toBeNull();
  expect(await cancelJob(db, job.id)).toBeNull();

  const doomed = await newJob();
  const failed = await failJob(db, doomed.id, 'SCRIPT_INVALID', 'the model returned no lines');
  expect(failed).toMatchObject({
    status: 'failed',
    errorCode: 'SCRIPT_INVALID',
    errorMessage: 'the model returned no lines',
  });
  expect(await completeJob(db, doomed.id)).toBeNull();
  expect(await eventTypes(doomed.id)).toEqual(['created', 'failed']);
});

test('retryJob re-queues a failed job from its first unfinished stage with a fresh attempt budget', async () => {
  const job = await newJob();
  await start(job, 'scrape');
  await markStageCompleted(db, job.id, 'scrape', { artifactKey: 'a', checksum: 'b' });
  await start(job, 'script');
  await markStageFailed(db, job.id, 'script', { code: 'ANTHROPIC_400', message: 'bad request' });
  await failJob(db, job.id, 'ANTHROPIC_400', 'bad request');
  await db.job.update({ where: { id: job.id }, data: { enqueuedAt: new Date() } });
  expect(await retryJob(db, job.id)).toMatchObject({
    status: 'queued',
    enqueuedAt: null,
    errorCode: null,
    completedAt: null,
    attempts: 0,
  });

  const stages = await db.jobStage.findMany({ where: { jobId: job.id } });
  const byStage = Object.fromEntries(stages.map((s) => [s.stage, s]));
  expect(byStage.scrape).toMatchObject({ status: 'completed', artifactKey: 'a' });
  expect(byStage.script).toMatchObject({ status: 'pending', attempts: 0, errorCode: null });
  expect(await firstUnfinishedStage(db, job.id)).toBe('script');
  expect((await eventTypes(job.id)).at(-1)).toBe('retried');

  // Only failed or cancelled jobs can be retried.
  expect(await retryJob(db, job.id)).toBeNull();
});

test('beginRun counts enqueues', async () => {
  const job = await newJob();
  expect(await beginRun(db, job.id)).toBe(1);
  expect(await beginRun(db, job.id)).toBe(2);
  await expect(beginRun(db, 'no-such-job')).rejects.toThrow('job no-such-job not found');
});

test('appendEvent ids order events', async () => {
  const job = await newJob();
  const a = await appendEvent(db, job.id, 'progress', { progress: 10 });
  const b = await appendEvent(db, job.id, 'progress', { progress: 20 });
  expect(b.id > a.id).toBe(true);
  expect(b.data).toEqual({ progress: 20 });
});

const input = (extra: Partial<SubmitJobInput> = {}) => customJobInput(user.id, extra);

describe('submitJob', () => {
  it('gives a job the stages of its type: a clips job has the one clips stage, which runs first', async () => {
    const { job } = await submitJob(db, input({ type: 'clips', request: { episodeId: 'e1', count: 1 } }));
    const stages = await db.jobStage.findMany({ where: { jobId: job.id } });
    expect(stages.map((s) => [s.stage, s.status])).toEqual([['clips', 'pending']]);
    expect(JOB_STAGES.clips).toEqual(['clips']);
    expect(await firstUnfinishedStage(db, job.id)).toBe('clips');
    await markStageCompleted(db, job.id, 'clips', { artifactKey: 'jobs/x/clips.json', checksum: 'c' });
    expect(await firstUnfinishedStage(db, job.id)).toBeNull();
  });

  it('inserts the job, its four pending stages and its created event, enqueued as run 1', async () => {
    const { job, deduplicated } = await submitJob(
      db,
      input({ priority: 'high', webhookUrl: 'https://hooks.example.com/x', idempotencyKey: 'k-1' }),
    );
    expect(deduplicated).toBe(false);
    // Every column comes back exactly as Prisma reads it (names, types, JSON, dates).
    expect(job).toEqual(await db.job.findUniqueOrThrow({ where: { id: job.id } }));
    expect(job).toMatchObject({
      status: 'queued',
      priority: 'high',
      run: 1,
      idempotencyKey: 'k-1',
      webhookUrl: 'https://hooks.example.com/x',
      request: input().request,
    });
    expect(job.enqueuedAt).toBeInstanceOf(Date);
    // uuid v7: ids sort by creation time, like the ones Prisma makes.
    expect(job.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const stages = await db.jobStage.findMany({ where: { jobId: job.id } });
    expect(stages.map((s) => s.stage).sort()).toEqual([...STAGES].sort());
    expect(stages.every((s) => s.status === 'pending' && s.attempts === 0)).toBe(true);
    const events = await db.jobEvent.findMany({ where: { jobId: job.id } });
    expect(events.map((e) => [e.type, e.data])).toEqual([
      ['created', { type: 'custom', priority: 'high', pregenerated: false }],
    ]);
  });

  it('leaves the job waiting (not enqueued, run 0) when the user has no free slot', async () => {
    const first = await submitJob(db, input({ maxActiveJobs: 1 }));
    const second = await submitJob(db, input({ maxActiveJobs: 1 }));
    expect(first.job.run).toBe(1);
    expect([second.job.enqueuedAt, second.job.run, second.job.status]).toEqual([null, 0, 'queued']);
  });

  it('gives concurrent submits of one user no more slots than the limit', async () => {
    const results = await Promise.all(
      Array.from({ length: 8 }, () => submitJob(db, input({ maxActiveJobs: 3 }))),
    );
    expect(results.filter((r) => r.job.enqueuedAt !== null)).toHaveLength(3);
  });

  it('answers with the job in flight for the same cached episode when asked to', async () => {
    const cacheKey = `podcast:${user.id}:daily:2026-11-26`;
    const daily = { type: 'daily' as const, cacheKey };
    const first = await submitJob(db, input({ ...daily, dedupeInFlight: true }));
    const again = await submitJob(db, input({ ...daily, dedupeInFlight: true }));
    expect(again).toEqual({ job: first.job, deduplicated: true });
    const forced = await submitJob(db, input({ ...daily, dedupeInFlight: false }));
    expect(forced.deduplicated).toBe(false);
    expect(await db.job.count({ where: { cacheKey } })).toBe(2);
  });

  it('does not answer with a partial (script-only) job in flight', async () => {
    const cacheKey = `podcast:${user.id}:daily:2026-11-27`;
    await submitJob(db, input({ type: 'daily', cacheKey, partial: true }));
    const full = await submitJob(db, input({ type: 'daily', cacheKey, dedupeInFlight: true }));
    expect([full.deduplicated, full.job.partial]).toEqual([false, false]);
  });

  it('refuses a repeated idempotency key as a unique violation and leaves nothing behind', async () => {
    await submitJob(db, input({ idempotencyKey: 'same' }));
    const err = await submitJob(db, input({ idempotencyKey: 'same' })).catch((e: unknown) => e);
    expect(isUniqueViolation(err, UNIQUE_CONSTRAINTS.jobIdempotencyKey)).toBe(true);
    expect(await db.job.count({ where: { userId: user.id } })).toBe(1);
    expect(await db.jobStage.count({ where: { job: { userId: user.id } } })).toBe(4);
  });
});

describe('findIdempotentJob', () => {
  const DAY_MS = 24 * 3600 * 1000;

  it('answers with the job a key made within a day, and frees a key past its day', async () => {
    const { job } = await submitJob(db, input({ idempotencyKey: 'k-window' }));
    const later = (ms: number) => new Date(job.createdAt.getTime() + ms);

    expect(await findIdempotentJob(db, user.id, 'k-window', later(DAY_MS - 1000))).toMatchObject({
      id: job.id,
    });
    expect(await findIdempotentJob(db, user.id, 'k-other', later(0))).toBeNull();

    expect(await findIdempotentJob(db, user.id, 'k-window', later(DAY_MS))).toBeNull();
    // The old job keeps its history, without the key: a new submit may use it.
    expect(await db.job.findUniqueOrThrow({ where: { id: job.id } })).toMatchObject({ idempotencyKey: null });
    const again = await submitJob(db, input({ idempotencyKey: 'k-window' }));
    expect(again.job.id).not.toBe(job.id);
  });
});

import {
  createPrismaClient,
  isUniqueViolation,
  type PrismaClient,
  UNIQUE_CONSTRAINTS,
  type User,
} from '../index';
import { STAGES, type SubmitJobInput, submitJob } from './jobs';

let db: PrismaClient;
let user: User;

beforeAll(async () => {
  db = createPrismaClient(process.env.DATABASE_URL as string);
});
afterAll(() => db.$disconnect());
beforeEach(async () => {
  user = await db.user.create({ data: { email: `submit-${Date.now()}-${Math.random()}@example.com` } });
});

const input = (extra: Partial<SubmitJobInput> = {}): SubmitJobInput => ({
  userId: user.id,
  type: 'custom',
  request: { type: 'custom', sources: [{ kind: 'text', text: 'Hello.' }], style: { hosts: 2 } },
  priority: 'normal',
  idempotencyKey: null,
  cacheKey: null,
  pregenerated: false,
  partial: false,
  webhookUrl: null,
  dedupeInFlight: false,
  maxActiveJobs: 3,
  ...extra,
});

describe('submitJob', () => {
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

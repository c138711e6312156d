// Test support private to this package (the maintenance and lifecycle tests): a pipeline context
// with no workers (the tests decide what Redis and the database hold), on its own queue prefix.
import { randomUUID } from 'node:crypto';
import { childEnv } from '@podfleet/config';
import { type ProcessorMap, startWorkers, type WorkerRuntime } from '@podfleet/queue';
import type { PipelineContext } from '../src/context';
import { episodeRequestSchema } from '../src/request';
import { createTestContext, type TestContext } from '../src/testing';

export { createTestContext, type TestContext };

import { scheduledJobId } from '../src/maintenance/schedule';

/**
 * Deletes every Redis key of the context's prefix at once (one script: nothing runs in between),
 * as a flushed or restarted-empty Redis loses them. A batched delete would let a running worker
 * re-add a scheduler's metadata between batches, a half-lost state no real flush produces.
 */
export async function forgetRedis(ctx: PipelineContext): Promise<void> {
  await ctx.redis.eval(FORGET_KEYS, 0, `${ctx.prefix}:*`);
}

/**
 * Loses only the next job of a maintenance scheduler, keeping the scheduler itself: what a Redis
 * failover from a replica that missed the last writes can leave behind.
 */
export async function loseNextScheduledJob(ctx: PipelineContext, schedulerId: string) {
  const next = (await ctx.queues.maintenance.getJobScheduler(schedulerId))?.next;
  if (!next) throw new Error(`scheduler ${schedulerId} has no next job to lose`);
  const jobId = scheduledJobId(schedulerId, next);
  const base = `${ctx.prefix}:maintenance`;
  await ctx.redis
    .multi()
    .del(`${base}:${jobId}`)
    .zrem(`${base}:delayed`, jobId)
    .lrem(`${base}:wait`, 0, jobId)
    .zrem(`${base}:prioritized`, jobId)
    .exec();
}

const FORGET_KEYS = `
local cursor = '0'
repeat
  local page = redis.call('SCAN', cursor, 'MATCH', ARGV[1], 'COUNT', 1000)
  cursor = page[1]
  for _, key in ipairs(page[2]) do redis.call('DEL', key) end
until cursor == '0'`;

export const customRequest = () =>
  episodeRequestSchema.parse({
    type: 'custom',
    sources: [{ kind: 'text', title: 'Notes', text: 'A short note about canals and locks on the Erie.' }],
    style: { targetMinutes: 0.5 },
  });

export async function createUser(ctx: PipelineContext) {
  return ctx.db.user.create({ data: { email: `${randomUUID()}@example.test` } });
}

/**
 * The reconciler and the sweeper look at every job in the database, and a Jest run shares one
 * database between test files (run one at a time): jobs other tests left active are settled
 * first, so each test sees only its own.
 */
export async function settleOtherJobs({ ctx }: TestContext): Promise<void> {
  await ctx.db.job.updateMany({
    where: { status: { in: ['queued', 'running'] } },
    data: { status: 'cancelled', completedAt: new Date() },
  });
}

export type PerTestContext = TestContext & {
  /** In-process workers with the given processors on the context's queues, closed after the test. */
  startWorkers(processors: ProcessorMap): WorkerRuntime;
};

/**
 * For each test of the calling `describe`: a fresh context (the fields of the object returned,
 * replaced before each test), other tests' active jobs settled first, and the workers the test
 * started closed after it, then the context.
 */
export function contextPerTest(): PerTestContext {
  const runtimes: WorkerRuntime[] = [];
  const t = {
    startWorkers(processors: ProcessorMap) {
      const runtime = startWorkers({
        app: 'test',
        redisUrl: childEnv().REDIS_URL!,
        prefix: t.ctx.prefix,
        logger: t.ctx.logger,
        processors,
      });
      runtimes.push(runtime);
      return runtime;
    },
  } as PerTestContext;
  beforeEach(async () => {
    Object.assign(t, await createTestContext());
    await settleOtherJobs(t);
  });
  afterEach(async () => {
    await Promise.all(runtimes.splice(0).map((r) => r.close()));
    await t.close();
  });
  return t;
}

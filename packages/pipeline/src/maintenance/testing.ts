// Shared set-up of the maintenance tests: a pipeline context with no workers (the tests decide
// what Redis and the database hold), on its own queue prefix.
import { randomUUID } from 'node:crypto';
import { childEnv } from '@podfleet/config';
import { deleteKeysWithPrefix, type ProcessorMap, startWorkers, type WorkerRuntime } from '@podfleet/queue';
import type { PipelineContext } from '../context';
import { episodeRequestSchema } from '../request';
import type { TestContext } from '../testing';

export { createTestContext, type TestContext } from '../testing';

/** Deletes every Redis key of the context's prefix: what a flushed or restarted-empty Redis looks like. */
export async function forgetRedis(ctx: PipelineContext): Promise<void> {
  await deleteKeysWithPrefix(ctx.redis, `${ctx.prefix}:`);
}

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

/** In-process workers with the given processors on the context's queues (the test closes them). */
export function startTestWorkers(ctx: PipelineContext, processors: ProcessorMap): WorkerRuntime {
  return startWorkers({
    app: 'test',
    redisUrl: childEnv().REDIS_URL!,
    prefix: ctx.prefix,
    logger: ctx.logger,
    processors,
  });
}

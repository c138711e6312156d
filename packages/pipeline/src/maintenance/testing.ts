// Shared set-up of the maintenance tests: a pipeline context with no workers (the tests decide
// what Redis and the database hold), on its own queue prefix.
import { randomUUID } from 'node:crypto';
import { createPrismaClient } from '@podfleet/db';
import { createStorageDriver } from '@podfleet/providers';
import { createLogger, createRedis, deleteKeysWithPrefix } from '@podfleet/queue';
import { makeTempDir } from '@podfleet/test-kit';
import { closePipelineContext, createPipelineContext, type PipelineContext } from '../context';
import { episodeRequestSchema } from '../request';

export interface TestContext {
  ctx: PipelineContext;
  close(): Promise<void>;
}

export async function createTestContext(options: { userMaxActiveJobs?: number } = {}): Promise<TestContext> {
  const prefix = `${process.env.QUEUE_PREFIX}-${randomUUID().slice(0, 8)}`;
  const db = createPrismaClient(process.env.DATABASE_URL!);
  const redis = createRedis(process.env.REDIS_URL!, { role: 'producer' });
  // Producer connections refuse commands until connected (no offline queue).
  if (redis.status !== 'ready') await new Promise((resolve) => redis.once('ready', resolve));
  const storageDir = await makeTempDir('pf-maint-');
  const storage = createStorageDriver({ driver: 'fs', dir: storageDir.dir });
  const ctx = createPipelineContext({
    db,
    redis,
    prefix,
    storage,
    logger: createLogger({ app: 'test', level: (process.env.TEST_LOG_LEVEL as 'silent') ?? 'silent' }),
    ...(options.userMaxActiveJobs ? { userMaxActiveJobs: options.userMaxActiveJobs } : {}),
  });
  return {
    ctx,
    async close() {
      await closePipelineContext(ctx);
      await storage.close();
      redis.disconnect();
      await db.$disconnect();
      await storageDir.remove();
    },
  };
}

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

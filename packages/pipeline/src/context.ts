import type { PrismaClient } from '@podfleet/db';
import type { StorageDriver } from '@podfleet/providers';
import { closeQueues, createFlowProducer, createQueues, type Logger, type QueueSet } from '@podfleet/queue';
import type { FlowProducer } from 'bullmq';
import type { Redis } from 'ioredis';

/** What the job lifecycle needs, built once per process and shared by every call. */
export interface PipelineContext {
  db: PrismaClient;
  /** A non-blocking connection: queues, the flow producer and event publishing share it. */
  redis: Redis;
  prefix: string;
  storage: StorageDriver;
  logger: Logger;
  queues: QueueSet;
  flowProducer: FlowProducer;
  /** Jobs one user may have in the fleet at once; more wait their turn in the database. */
  userMaxActiveJobs: number;
  /** Episodes expire this many days after creation (0: never). */
  retentionDays: number;
}

export interface PipelineContextOptions {
  db: PrismaClient;
  redis: Redis;
  prefix: string;
  storage: StorageDriver;
  logger: Logger;
  userMaxActiveJobs?: number;
  retentionDays?: number;
}

export function createPipelineContext(options: PipelineContextOptions): PipelineContext {
  return {
    ...options,
    userMaxActiveJobs: options.userMaxActiveJobs ?? 3,
    retentionDays: options.retentionDays ?? 30,
    queues: createQueues(options.redis, options.prefix),
    flowProducer: createFlowProducer(options.redis, options.prefix),
  };
}

export async function closePipelineContext(ctx: PipelineContext): Promise<void> {
  await ctx.flowProducer.close();
  await closeQueues(ctx.queues);
}

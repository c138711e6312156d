import { type FlowJob, type FlowProducer, Job, type JobNode, type Queue } from 'bullmq';
import { z } from 'zod';
import { assertRedisReady } from './connection';
import {
  jobOptionsFor,
  parsePayload,
  STAGE_ORDER,
  STAGES,
  type StageName,
  type StagePayload,
} from './queues';

export type EpisodePriority = 'high' | 'normal' | 'low';

/**
 * BullMQ priorities: lower runs first, and 0 (no priority) would run before every prioritized
 * job, so every stage job gets an explicit one. The gaps leave room for finer levels later.
 */
export const PRIORITY_LEVELS: Readonly<Record<EpisodePriority, number>> = { high: 1, normal: 5, low: 10 };

const stageName = z.enum(STAGE_ORDER);

const flowArgsSchema = z
  .object({
    jobId: z.string(),
    run: z.number(),
    userId: z.string(),
    priority: z.enum(['high', 'normal', 'low']),
    stages: z.array(stageName).min(1).optional(),
    fromStage: stageName.optional(),
    toStage: stageName.optional(),
    prefix: z.string().min(1),
    traceparent: z.string().optional(),
  })
  .refine(
    (a) => {
      const stages: readonly StageName[] = a.stages ?? STAGES;
      return (
        (a.fromStage === undefined || stages.includes(a.fromStage)) &&
        (a.toStage === undefined || stages.includes(a.toStage))
      );
    },
    { message: "fromStage and toStage must be stages of the job's flow", path: ['fromStage'] },
  )
  .refine(
    (a) => {
      const stages: readonly StageName[] = a.stages ?? STAGES;
      return stages.indexOf(a.fromStage ?? stages[0]!) <= stages.indexOf(a.toStage ?? stages.at(-1)!);
    },
    { message: 'fromStage must not come after toStage', path: ['fromStage'] },
  );

export interface EpisodeFlowArgs {
  jobId: string;
  /** Enqueue count of this job (1, 2, …): ids of a removed flow must never be reused (bullmq#2554). */
  run: number;
  userId: string;
  priority: EpisodePriority;
  /** The job's stages in order (JOB_STAGES of its type). Default: an episode's four (STAGES). */
  stages?: readonly StageName[];
  /** First stage to run (resume, or pre-generation that already has a script). Default: the first. */
  fromStage?: StageName;
  /** Last stage, the flow's root. `script` for partial pre-generation. Default: the last. */
  toStage?: StageName;
  /** BullMQ key prefix (QUEUE_PREFIX). */
  prefix: string;
  /** W3C trace context every stage's span continues (see stagePayloadSchema). */
  traceparent?: string;
}

/** Deterministic BullMQ id of one stage of one run: `${jobId}.${run}.${stage}`. */
export function stageJobId(jobId: string, run: number, stage: StageName): string {
  return `${jobId}.${run}.${stage}`;
}

/** The stages a flow covers, in pipeline order: `stages` (an episode's by default) from `fromStage` to `toStage`. */
export function flowStages(
  fromStage?: StageName,
  toStage?: StageName,
  stages: readonly StageName[] = STAGES,
): StageName[] {
  const from = fromStage === undefined ? 0 : stages.indexOf(fromStage);
  const to = toStage === undefined ? stages.length - 1 : stages.indexOf(toStage);
  return stages.slice(from, to + 1);
}

/**
 * The BullMQ flow of one run of a job (an episode's, or a clips job's single stage): the last
 * stage is the root and each stage is
 * the only child of the next, so the first stage (the leaf) runs first. Every child carries
 * `failParentOnFailure`, so a stage that fails for good fails the whole chain up to the root
 * instead of leaving parents in waiting-children forever (bullmq#3362).
 */
export function buildEpisodeFlow(args: EpisodeFlowArgs): FlowJob {
  const a = flowArgsSchema.parse(args);
  const all: readonly StageName[] = a.stages ?? STAGES;
  const stages = flowStages(a.fromStage, a.toStage, all);
  // Partial pre-generation: an episode flow that stops before its audio.
  const partial = all.includes('audio') && all.indexOf(a.toStage ?? all.at(-1)!) < all.indexOf('audio');
  const payload: StagePayload = parsePayload('scrape', {
    jobId: a.jobId,
    run: a.run,
    userId: a.userId,
    ...(partial ? { partial: true } : {}),
    ...(a.traceparent ? { traceparent: a.traceparent } : {}),
  });

  let node: FlowJob | undefined;
  for (const stage of stages) {
    const opts = {
      ...jobOptionsFor(stage),
      jobId: stageJobId(a.jobId, a.run, stage),
      priority: PRIORITY_LEVELS[a.priority],
    };
    node = {
      name: stage,
      queueName: stage,
      prefix: a.prefix,
      data: payload,
      opts,
      ...(node ? { children: [{ ...node, opts: { ...node.opts, failParentOnFailure: true } }] } : {}),
    } as FlowJob;
  }
  // flowStages always returns at least one stage (the refines above guarantee from <= to).
  return node as FlowJob;
}

/** Builds and adds the flow in one atomic Redis transaction. */
export async function enqueueEpisodeFlow(
  flowProducer: FlowProducer,
  args: EpisodeFlowArgs,
): Promise<JobNode> {
  const flow = buildEpisodeFlow(args);
  assertRedisReady(flowProducer);
  return flowProducer.add(flow);
}

export interface RemovedFlow {
  /** Stages whose BullMQ job was removed. */
  removed: StageName[];
  /** Stages running right now: they cannot be removed and must notice the cancellation themselves. */
  active: StageName[];
}

/**
 * Cancels a run (of any job type: every stage queue is looked in, the job's own stages exist):
 * removes every stage of it that has not started. Removing a parent does not
 * remove its children (bullmq#3339), so each stage is removed on its own. Parents go first:
 * removing a child that is its parent's last pending dependency moves that parent to wait
 * (removeParentDependencyKey), where a worker could grab it before it is removed.
 * Running stages are reported, not touched; finished ones are left to retention.
 */
export async function removeEpisodeFlow(
  queues: { [S in StageName]: Queue<StagePayload> },
  jobId: string,
  run: number,
): Promise<RemovedFlow> {
  const result: RemovedFlow = { removed: [], active: [] };
  for (const stage of [...STAGE_ORDER].reverse()) {
    const job = await Job.fromId(queues[stage], stageJobId(jobId, run, stage));
    if (!job) continue;
    const state = await job.getState();
    if (state === 'completed' || state === 'failed') continue;
    if (state === 'active') {
      result.active.push(stage);
      continue;
    }
    try {
      await job.remove({ removeChildren: false });
      result.removed.push(stage);
    } catch {
      // It became active between getState and remove (remove refuses locked jobs).
      result.active.push(stage);
    }
  }
  return result;
}

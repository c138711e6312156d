// What every scenario asserts about its jobs once they are done.
import type { PipelineContext } from '@podfleet/pipeline';
import { STAGES, stageJobId } from '@podfleet/queue';

const PENDING = new Set(['active', 'waiting', 'waiting-children', 'delayed', 'prioritized', 'paused']);

export interface JobOutcome {
  jobId: string;
  status: string;
  episodes: number;
  /** The job row points at its Episode. */
  episodeLinked: boolean;
  /** `stage_completed` events of the upload stage (the Episode is published in that stage). */
  uploadCompletions: number;
  /** `completed` transitions of the job. */
  completions: number;
  /** BullMQ stage jobs of any run of this job still pending or running. */
  pendingInRedis: string[];
}

/** The facts behind "completed exactly once, nothing left behind". */
export async function outcomeOf(ctx: PipelineContext, jobId: string): Promise<JobOutcome> {
  const job = await ctx.db.job.findUniqueOrThrow({ where: { id: jobId } });
  const events = await ctx.db.jobEvent.findMany({
    where: { jobId, type: { in: ['stage_completed', 'completed'] } },
  });
  const pendingInRedis: string[] = [];
  for (let run = 1; run <= job.run; run++) {
    for (const stage of STAGES) {
      const id = stageJobId(jobId, run, stage);
      const state = await ctx.queues[stage].getJobState(id);
      if (PENDING.has(state)) pendingInRedis.push(`${id}:${state}`);
    }
  }
  const episodes = await ctx.db.episode.findMany({ where: { jobId }, select: { id: true } });
  return {
    jobId,
    status: job.status,
    episodes: episodes.length,
    episodeLinked: episodes.length === 1 && job.episodeId === episodes[0]?.id,
    uploadCompletions: events.filter(
      (e) => e.type === 'stage_completed' && (e.data as { stage?: string }).stage === 'upload',
    ).length,
    completions: events.filter((e) => e.type === 'completed').length,
    pendingInRedis,
  };
}

export const exactlyOnce = (jobId: string): JobOutcome => ({
  jobId,
  status: 'completed',
  episodes: 1,
  episodeLinked: true,
  uploadCompletions: 1,
  completions: 1,
  pendingInRedis: [],
});

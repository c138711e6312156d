// What every scenario asserts about its jobs once they are done. One Episode row per job is true
// by construction (a unique index), so the checks also count what a second run of a stage would
// leave behind: stored objects, webhook deliveries received, and BullMQ jobs still pending.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { PipelineContext } from '@podfleet/pipeline';
import { STAGES, stageJobId } from '@podfleet/queue';
import type { FakeServer } from '@podfleet/test-kit';

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
  /** The objects stored under the job's key prefix (`jobs/<jobId>/`), sorted. */
  storedObjects: string[];
  /** `job.completed` webhooks the receiver got for this job. */
  completedWebhooks: number;
  /** `job.completed` delivery attempts recorded as delivered for this job. */
  deliveredRows: number;
}

/** Where the checks look besides PostgreSQL and Redis. */
export interface CheckTargets {
  ctx: PipelineContext;
  /** The fs storage driver's directory. */
  storageDir: string;
  /** The webhook receiver. */
  hooks: FakeServer;
}

/** The stage artifacts of a finished job: sources, script, audio (metadata and MP3), transcript. */
export const JOB_OBJECTS = ['audio.json', 'episode.mp3', 'script.json', 'sources.json', 'transcript.json'];

async function storedObjects(storageDir: string, jobId: string): Promise<string[]> {
  const entries = await readdir(join(storageDir, 'jobs', jobId), {
    recursive: true,
    withFileTypes: true,
  }).catch(() => []);
  return entries
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(join(storageDir, 'jobs', jobId).length + 1))
    .sort();
}

/** `job.completed` webhook requests the receiver got for `jobId`. */
export function completedWebhooks(hooks: FakeServer, jobId: string): number {
  return hooks.requests.filter((r) => {
    try {
      const body = JSON.parse(r.body.toString('utf8')) as { event?: string; job?: { id?: string } };
      return body.event === 'job.completed' && body.job?.id === jobId;
    } catch {
      return false;
    }
  }).length;
}

/** The facts behind "completed exactly once, nothing left behind". */
export async function outcomeOf(
  { ctx, storageDir, hooks }: CheckTargets,
  jobId: string,
): Promise<JobOutcome> {
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
  const deliveredRows = await ctx.db.webhookDelivery.count({
    where: { jobId, event: 'job.completed', deliveredAt: { not: null } },
  });
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
    storedObjects: await storedObjects(storageDir, jobId),
    completedWebhooks: completedWebhooks(hooks, jobId),
    deliveredRows,
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
  storedObjects: JOB_OBJECTS,
  completedWebhooks: 1,
  deliveredRows: 1,
});

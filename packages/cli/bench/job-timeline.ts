// Where a finished job's time went, from the database's rows and BullMQ's own timestamps of its
// stage jobs. A stage's own work is its row's started_at → finished_at (markStageStarted and
// markStageCompleted, by the database clock); everything else between the ticket and the job's
// completion is the fleet's overhead, split into the steps below. All clocks are this machine's.
import type { PrismaClient } from '@podfleet/db';
import { STAGES, type StageName, stageJobId } from '@podfleet/queue';
import type { Redis } from 'ioredis';
import { percentile } from './stats';

export interface StageTimeline {
  /** Waiting in BullMQ: flow added (scrape) or the previous stage's job finished → a worker took it. */
  queuedMs: number;
  /** Taken by a worker → its row marked started: the run and artifact checks, the start transaction. */
  beforeWorkMs: number;
  /** The stage's own work (row started_at → finished_at). */
  workMs: number;
  /**
   * Row finished → BullMQ job finished (the completion transaction, finalize, BullMQ's move to
   * completed, which also hands the parent over); for upload → the job completed.
   */
  afterWorkMs: number;
}

export interface JobTimeline {
  jobId: string;
  /** The ticket's transaction → the flow in Redis (the API adds it after committing the job). */
  enqueueMs: number;
  stages: Record<StageName, StageTimeline>;
  /** Ticket → job completed. */
  endToEndMs: number;
  /** End to end minus the four stages' work: queued, handing over and bookkeeping. */
  overheadMs: number;
}

/** Timelines of the completed jobs among `jobIds` (others are left out), in `jobIds` order. */
export async function jobTimelines(
  db: PrismaClient,
  redis: Redis,
  prefix: string,
  jobIds: string[],
): Promise<JobTimeline[]> {
  const jobs = await db.job.findMany({
    where: { id: { in: jobIds }, status: 'completed' },
    select: { id: true, run: true, createdAt: true, completedAt: true },
  });
  const rows = await db.jobStage.findMany({ where: { jobId: { in: jobs.map((j) => j.id) } } });
  const timelines: JobTimeline[] = [];
  for (const jobId of jobIds) {
    const job = jobs.find((j) => j.id === jobId);
    if (!job?.completedAt) continue;
    const bull = await Promise.all(
      STAGES.map(async (stage) => {
        const [timestamp, processedOn, finishedOn] = await redis.hmget(
          `${prefix}:${stage}:${stageJobId(jobId, job.run, stage)}`,
          'timestamp',
          'processedOn',
          'finishedOn',
        );
        return {
          timestamp: Number(timestamp),
          processedOn: Number(processedOn),
          finishedOn: Number(finishedOn),
        };
      }),
    );
    const stageRows = STAGES.map((stage) => rows.find((r) => r.jobId === jobId && r.stage === stage));
    if (
      bull.some((b) => !(b.timestamp && b.processedOn && b.finishedOn)) ||
      stageRows.some((r) => !(r?.startedAt && r.finishedAt))
    )
      continue;
    const stages = {} as Record<StageName, StageTimeline>;
    STAGES.forEach((stage, i) => {
      const started = stageRows[i]!.startedAt!.getTime();
      const finished = stageRows[i]!.finishedAt!.getTime();
      const end = i === STAGES.length - 1 ? job.completedAt!.getTime() : bull[i]!.finishedOn;
      stages[stage] = {
        queuedMs: bull[i]!.processedOn - (i === 0 ? bull[0]!.timestamp : bull[i - 1]!.finishedOn),
        beforeWorkMs: started - bull[i]!.processedOn,
        workMs: finished - started,
        afterWorkMs: end - finished,
      };
    });
    const endToEndMs = job.completedAt.getTime() - job.createdAt.getTime();
    timelines.push({
      jobId,
      enqueueMs: bull[0]!.timestamp - job.createdAt.getTime(),
      stages,
      endToEndMs,
      overheadMs: endToEndMs - STAGES.reduce((sum, s) => sum + stages[s].workMs, 0),
    });
  }
  return timelines;
}

/** The p50 of each part of the overhead over `timelines`: which step the time goes to. */
export function overheadBreakdown(timelines: JobTimeline[]) {
  const p50 = (pick: (t: JobTimeline) => number) => percentile(timelines.map(pick), 50);
  return {
    enqueueMs: p50((t) => t.enqueueMs),
    ...Object.fromEntries(
      STAGES.map((s) => [
        s,
        {
          queuedMs: p50((t) => t.stages[s].queuedMs),
          beforeWorkMs: p50((t) => t.stages[s].beforeWorkMs),
          workMs: p50((t) => t.stages[s].workMs),
          afterWorkMs: p50((t) => t.stages[s].afterWorkMs),
        },
      ]),
    ),
  };
}

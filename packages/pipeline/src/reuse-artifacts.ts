import { appendEvent, type Stage } from '@podfleet/db';
import { artifactKeyFor } from './artifacts';
import type { PipelineContext } from './context';

/** The stages whose artifacts a later job of the same day may take over (partial pre-generation). */
const REUSABLE_STAGES: readonly Stage[] = ['scrape', 'script'];

/**
 * Copies the completed scrape/script stages of `fromJobId` (those of `stages`) into `toJobId` (a new job that has
 * not been enqueued yet): each artifact under the new job's keys, byte for byte (same
 * checksum), and its JobStage row as completed, so the new job's flow starts at audio. The
 * copies carry no duration (they did not run; stage statistics skip them) and no cost (the
 * source job already counted it). Stops at the first stage that is not completed or whose
 * artifact is missing or altered; returns the stages copied.
 */
export async function copyStageArtifacts(
  ctx: PipelineContext,
  fromJobId: string,
  toJobId: string,
  stages: readonly Stage[] = REUSABLE_STAGES,
): Promise<Stage[]> {
  const wanted = REUSABLE_STAGES.filter((stage) => stages.includes(stage));
  const rows = await ctx.db.jobStage.findMany({
    where: { jobId: fromJobId, stage: { in: wanted } },
  });
  const copied: Stage[] = [];
  for (const stage of wanted) {
    const row = rows.find((r) => r.stage === stage);
    if (row?.status !== 'completed' || !row.artifactKey || !row.checksum) break;
    const body = await ctx.storage.getBuffer(row.artifactKey).catch(() => null);
    if (!body) break;
    const name = row.artifactKey.slice(row.artifactKey.lastIndexOf('/') + 1);
    const key = artifactKeyFor(toJobId, name);
    const { checksum } = await ctx.storage.put(key, body, { contentType: 'application/json' });
    if (checksum !== row.checksum) break; // altered since it was recorded: let the stage run again
    await ctx.db.jobStage.update({
      where: { jobId_stage: { jobId: toJobId, stage } },
      data: { status: 'completed', artifactKey: key, checksum, finishedAt: new Date() },
    });
    await appendEvent(ctx.db, toJobId, 'stage_reused', { stage, fromJobId, artifactKey: key });
    copied.push(stage);
  }
  if (copied.includes('script')) {
    // The script's word count and writer describe this job's episode too.
    const source = await ctx.db.job.findUniqueOrThrow({ where: { id: fromJobId } });
    const scriptProvider = (source.providers as { script?: string } | null)?.script;
    await ctx.db.job.update({
      where: { id: toJobId },
      data: {
        wordCount: source.wordCount,
        ...(scriptProvider ? { providers: { script: scriptProvider } } : {}),
      },
    });
  }
  return copied;
}

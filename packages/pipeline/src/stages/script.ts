import {
  paceFor,
  publishWriterLanguages,
  readFleetPace,
  type ScriptDocument,
  type ScriptWriter,
  scriptDocumentSchema,
  styleSchema,
} from '@podfleet/providers';
import { whenRedisReady } from '@podfleet/queue';
import { withSpan } from '@podfleet/telemetry';
import { z } from 'zod';
import { readArtifact, writeArtifact } from '../artifacts';
import type { PipelineContext } from '../context';
import { rerenderOf } from '../rerender';
import type { StageWork } from '../stage-runner';

const storedStyleSchema = z.object({ style: styleSchema.optional() });

export function scriptStage(ctx: PipelineContext, writer: ScriptWriter): StageWork {
  const work: StageWork = async (scope) => {
    const rerender = rerenderOf(scope.job.request);
    if (rerender) {
      // A re-render's script is the edit saved with its version (PUT …/script, POST …/rerender).
      const body = await ctx.storage.getBuffer(rerender.scriptKey);
      const edited = scriptDocumentSchema.parse(JSON.parse(body.toString('utf8')));
      return {
        artifact: await writeArtifact(ctx, scope.job.id, 'script', edited),
        wordCount: edited.wordCount,
      };
    }
    const { documents } = await readArtifact(ctx, scope.job.id, 'sources');
    const style = styleSchema.parse(storedStyleSchema.parse(scope.job.request).style ?? {});
    // Written to how fast the fleet's engine speaks the language, as the audio workers measure it.
    const { samples, ...pace } = paceFor(await readFleetPace(ctx.redis, ctx.prefix), style.language);
    await scope.progress(0.1, `writing a ${style.targetMinutes}-minute script (${writer.provider})`);
    // The LLM's own requests (Anthropic) are client spans inside this one.
    const script: ScriptDocument = await withSpan(
      'script write',
      {
        attributes: {
          'podfleet.script.writer': writer.provider,
          'podfleet.script.sources': documents.length,
          'podfleet.script.pace': pace.speed,
          'podfleet.script.pace_samples': samples,
        },
      },
      () => writer.write({ documents, style, pace, signal: scope.signal }),
    );
    if (script.length && !script.length.within) {
      // The job goes on: a script off its length is still an episode, and the record says how far off.
      scope.logger.warn(
        { jobId: scope.job.id, writer: writer.provider, length: script.length },
        `script length off target: ${script.length.warning ?? 'outside the tolerance'}`,
      );
    }
    const artifact = await writeArtifact(ctx, scope.job.id, 'script', script);
    return {
      artifact,
      wordCount: script.wordCount,
      costUsd: script.usage?.costUsd ?? 0,
      providers: { script: writer.provider },
    };
  };
  work.provider = writer.provider;
  return work;
}

/**
 * Tells the API which languages the fleet's writer writes (a `style.language` it cannot write is
 * refused at submit). A failure leaves the last published record and does not stop the worker.
 */
export async function publishScriptWriterLanguages(
  ctx: PipelineContext,
  writer: ScriptWriter,
): Promise<void> {
  try {
    await whenRedisReady(ctx.redis);
    await publishWriterLanguages(ctx.redis, ctx.prefix, {
      provider: writer.provider,
      languages: writer.languages ? [...writer.languages] : null,
    });
  } catch (err) {
    ctx.logger.warn({ err, writer: writer.provider }, "could not publish the script writer's languages");
  }
}

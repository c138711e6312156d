import {
  type ScriptDocument,
  type ScriptWriter,
  scriptDocumentSchema,
  styleSchema,
} from '@podfleet/providers';
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
    await scope.progress(0.1, `writing a ${style.targetMinutes}-minute script (${writer.provider})`);
    // The LLM's own requests (Anthropic) are client spans inside this one.
    const script: ScriptDocument = await withSpan(
      'script write',
      {
        attributes: {
          'podfleet.script.writer': writer.provider,
          'podfleet.script.sources': documents.length,
        },
      },
      () => writer.write({ documents, style, signal: scope.signal }),
    );
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

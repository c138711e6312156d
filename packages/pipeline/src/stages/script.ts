import {
  type ScriptDocument,
  type ScriptWriter,
  sourceDocumentSchema,
  styleSchema,
} from '@podfleet/providers';
import { withSpan } from '@podfleet/telemetry';
import { z } from 'zod';
import type { PipelineContext } from '../context';
import { readJsonArtifact, type StageWork, writeJsonArtifact } from '../stage-runner';

const sourcesArtifactSchema = z.object({ documents: z.array(sourceDocumentSchema).min(1) });
const storedStyleSchema = z.object({ style: styleSchema.optional() });

export function scriptStage(ctx: PipelineContext, writer: ScriptWriter): StageWork {
  const work: StageWork = async (scope) => {
    const { documents } = sourcesArtifactSchema.parse(
      await readJsonArtifact(ctx, scope.artifactKey('sources.json')),
    );
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
    const artifact = await writeJsonArtifact(ctx, scope.artifactKey('script.json'), script);
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

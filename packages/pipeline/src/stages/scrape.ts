import { rememberSourceDocument } from '@podfleet/db';
import {
  resolveSources,
  type SourceContext,
  type SourceDocument,
  sourceSpecSchema,
} from '@podfleet/providers';
import { z } from 'zod';
import { writeArtifact } from '../artifacts';
import type { PipelineContext } from '../context';
import type { StageWork } from '../stage-runner';

export type ScrapeOptions = Omit<SourceContext, 'signal' | 'log'>;

const storedSourcesSchema = z.object({ sources: z.array(sourceSpecSchema).min(1) });

/**
 * Stores each document's text once per content hash (`sources/{hash}.txt` + a SourceDocument
 * row), so the same article in many episodes is kept once.
 */
async function rememberDocument(ctx: PipelineContext, doc: SourceDocument): Promise<void> {
  const textKey = `sources/${doc.contentHash}.txt`;
  if (!(await ctx.storage.head(textKey))) {
    await ctx.storage.put(textKey, Buffer.from(doc.text), { contentType: 'text/plain; charset=utf-8' });
  }
  await rememberSourceDocument(ctx.db, {
    contentHash: doc.contentHash,
    url: doc.url,
    title: doc.title,
    kind: doc.kind,
    textKey,
    publishedAt: doc.publishedAt ? new Date(doc.publishedAt) : null,
  });
}

export function scrapeStage(ctx: PipelineContext, options: ScrapeOptions): StageWork {
  return async (scope) => {
    const { sources } = storedSourcesSchema.parse(scope.job.request);
    await scope.progress(0.05, `resolving ${sources.length} source${sources.length === 1 ? '' : 's'}`);
    const documents = await resolveSources(sources, { ...options, signal: scope.signal, log: scope.logger });
    await scope.progress(0.8, `storing ${documents.length} document${documents.length === 1 ? '' : 's'}`);
    for (const doc of documents) await rememberDocument(ctx, doc);
    const artifact = await writeArtifact(ctx, scope.job.id, 'sources', { documents });
    return { artifact };
  };
}

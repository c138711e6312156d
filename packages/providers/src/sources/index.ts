import { mapLimit, settle } from '../concurrency';
import { ProviderError, type SourceDocument, type SourceSpec } from '../types';
import { resolveCongressSource } from './congress';
import type { SourceContext } from './context';
import { resolveRssSource } from './rss';
import { resolveTextSource } from './text';
import { resolveUrlSource } from './url';

/** Specs resolved at once. */
const SPEC_CONCURRENCY = 3;

/** Resolves one source spec to its documents (a feed or `recent` bills give several). */
export async function resolveSource(spec: SourceSpec, ctx: SourceContext): Promise<SourceDocument[]> {
  switch (spec.kind) {
    case 'text':
      return [resolveTextSource(spec)];
    case 'url':
      return [await resolveUrlSource(spec, ctx)];
    case 'rss':
      return resolveRssSource(spec, ctx);
    case 'congress':
      return resolveCongressSource(spec, ctx);
  }
}

/**
 * Resolves every spec, in order, duplicates (same content hash) dropped.
 * - Any retryable failure is thrown: another attempt may get the complete set.
 * - Non-retryable failures (a 404 page, an empty feed) are logged and skipped while at least
 *   one source yields a document; when none does, the first failure is thrown.
 */
export async function resolveSources(
  specs: readonly SourceSpec[],
  ctx: SourceContext,
): Promise<SourceDocument[]> {
  const results = await mapLimit(specs, SPEC_CONCURRENCY, (spec) => settle(resolveSource(spec, ctx)));

  const failures = results.flatMap((r) => (r.status === 'rejected' ? [r.reason] : []));
  const retryable = failures.find((f) => f instanceof ProviderError && f.retryable);
  if (retryable) throw retryable;

  const seen = new Set<string>();
  const documents = results
    .flatMap((r) => (r.status === 'fulfilled' ? r.value : []))
    .filter((doc) => !seen.has(doc.contentHash) && seen.add(doc.contentHash));
  if (documents.length === 0) {
    throw failures[0] ?? new ProviderError('SOURCE_EMPTY', 'no sources given', false);
  }
  results.forEach((r, index) => {
    if (r.status === 'rejected')
      ctx.log?.warn({ source: describe(specs[index]), err: String(r.reason) }, 'source skipped');
  });
  return documents;
}

function describe(spec: SourceSpec | undefined): string {
  if (!spec) return 'unknown';
  if (spec.kind === 'text') return `text: ${spec.title}`;
  if (spec.kind === 'congress')
    return 'recent' in spec
      ? `congress: recent ${spec.recent}`
      : `congress: ${spec.congress}/${spec.billType}/${spec.billNumber}`;
  return `${spec.kind}: ${spec.url}`;
}

export type { CongressOptions, SourceContext, SourceFetchOptions, SourceLogger } from './context';
export { contentHash } from './document';
export { type FeedItem, type ParsedFeed, parseFeed } from './feed-parser';
export { htmlToText } from './html-text';
export { sampleEpisodeSources, sampleFeedPath, sampleSourcesDir } from './samples';
export { fetchArticle } from './url';

import { mapLimit, settle } from '../concurrency';
import { safeFetch } from '../net/safe-fetch';
import { ProviderError, type SourceDocument } from '../types';
import { guardedFetchOptions, type SourceContext } from './context';
import { decodeBody } from './decode';
import { makeDocument } from './document';
import { type FeedItem, parseFeed } from './feed-parser';
import { htmlToText } from './html-text';
import { fetchArticle } from './url';

const FEED_TYPES = [
  'application/rss+xml',
  'application/atom+xml',
  'application/rdf+xml',
  'application/xml',
  'text/xml',
  'text/plain',
] as const;
/** Below this many characters an item is a teaser: read the linked page instead. */
export const SHORT_ITEM_CHARS = 400;
/** Linked pages fetched at once per feed. */
const PAGE_CONCURRENCY = 3;

export async function resolveRssSource(
  spec: { url: string; maxItems: number },
  ctx: SourceContext,
): Promise<SourceDocument[]> {
  const res = await safeFetch(spec.url, { ...guardedFetchOptions(ctx), accept: FEED_TYPES });
  const feed = parseFeed(decodeBody(res.body, res.charset, 'xml'), res.url);
  if (feed.items.length === 0) throw new ProviderError('SOURCE_EMPTY', `feed ${res.url} has no items`, false);

  const items = newestFirst(feed.items, (ctx.now ?? (() => new Date()))()).slice(0, spec.maxItems);
  const settled = await mapLimit(items, PAGE_CONCURRENCY, (item) =>
    settle(itemDocument(item, feed.title, ctx)),
  );

  const documents: SourceDocument[] = [];
  const failures: unknown[] = [];
  settled.forEach((result, index) => {
    if (result.status === 'fulfilled') {
      documents.push(result.value);
      return;
    }
    failures.push(result.reason);
    ctx.log?.warn(
      { feed: res.url, item: items[index]?.link ?? items[index]?.title, err: String(result.reason) },
      'feed item skipped',
    );
  });
  if (documents.length > 0) return documents;
  throw allItemsFailed(res.url, failures);
}

async function itemDocument(
  item: FeedItem,
  feedTitle: string | null,
  ctx: SourceContext,
): Promise<SourceDocument> {
  let text = htmlToText(item.body);
  let publishedAt = item.publishedAt;
  let title = item.title;
  if (text.length < SHORT_ITEM_CHARS && item.link) {
    try {
      const page = await fetchArticle(item.link, ctx);
      if (page.text.length > text.length) text = page.text;
      publishedAt ??= page.publishedAt;
      title ??= page.title;
    } catch (err) {
      if (!text) throw err;
      // The teaser is still worth something when its page cannot be read.
      ctx.log?.warn({ item: item.link, err: String(err) }, 'feed item page unreadable, using its summary');
    }
  }
  return makeDocument({
    kind: 'rss',
    title: title ?? feedTitle ?? item.link ?? 'Untitled',
    url: item.link,
    publishedAt,
    text,
  });
}

/** Newest first; undated items after dated ones in feed order; future dates count as `now`. */
function newestFirst(items: FeedItem[], now: Date): FeedItem[] {
  const time = (item: FeedItem) =>
    item.publishedAt ? Math.min(Date.parse(item.publishedAt), now.getTime()) : Number.NEGATIVE_INFINITY;
  return items
    .map((item, index) => ({ item, index, t: time(item) }))
    .sort((a, b) => b.t - a.t || a.index - b.index)
    .map(({ item }) => item);
}

/** A retryable cause makes the whole feed retryable: another attempt may read it. */
function allItemsFailed(feedUrl: string, failures: unknown[]): ProviderError {
  const retryable = failures.find((f): f is ProviderError => f instanceof ProviderError && f.retryable);
  if (retryable) {
    return new ProviderError(
      'SOURCE_UNREACHABLE',
      `no item of ${feedUrl} could be read: ${retryable.message}`,
      true,
      retryable.retryAfterMs,
      {
        cause: retryable,
      },
    );
  }
  const first = failures[0];
  return new ProviderError(
    'SOURCE_EMPTY',
    `no item of ${feedUrl} could be read: ${first instanceof Error ? first.message : String(first)}`,
    false,
    undefined,
    {
      cause: first,
    },
  );
}

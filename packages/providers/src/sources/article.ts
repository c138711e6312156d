import { Readability } from '@mozilla/readability';
import { toIsoDate } from './document';
import { type DomDocument, parseHtmlDocument } from './dom';
import { htmlToText, normalizeText } from './html-text';

export interface Article {
  title: string | null;
  text: string;
  publishedAt: string | null;
}

const PUBLISHED_META = [
  'meta[property="article:published_time"]',
  'meta[name="article:published_time"]',
  'meta[itemprop="datePublished"]',
  'meta[name="pubdate"]',
  'meta[name="date"]',
  'meta[name="dc.date"]',
];

/** Main content of an HTML page via Readability; `text` is '' when it finds none. */
export function extractArticle(html: string): Article {
  const document = parseHtmlDocument(html);
  // Read metadata first: Readability rewrites the document as it works.
  const publishedMeta = findPublishedDate(document);
  const pageTitle = normalizeText(document.title ?? '') || null;
  const parsed = new Readability(document as never).parse();
  const text = parsed?.content ? htmlToText(parsed.content) : '';
  return {
    title: normalizeText(parsed?.title ?? '') || pageTitle,
    text,
    publishedAt: publishedMeta ?? toIsoDate(parsed?.publishedTime),
  };
}

function findPublishedDate(document: DomDocument): string | null {
  for (const selector of PUBLISHED_META) {
    const date = toIsoDate(document.querySelector(selector)?.getAttribute('content'));
    if (date) return date;
  }
  return toIsoDate(document.querySelector('time[datetime]')?.getAttribute('datetime'));
}

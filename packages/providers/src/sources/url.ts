import { safeFetch } from '../net/safe-fetch';
import { ProviderError, type SourceDocument } from '../types';
import { type Article, extractArticle } from './article';
import { guardedFetchOptions, type SourceContext } from './context';
import { decodeBody } from './decode';
import { makeDocument } from './document';
import { normalizeText } from './html-text';

const PAGE_TYPES = ['text/html', 'application/xhtml+xml', 'text/plain'] as const;

export interface FetchedArticle extends Article {
  /** Final URL after redirects. */
  url: string;
}

/** Fetches a web page through the SSRF guard and extracts its main text (plain-text pages as they are). */
export async function fetchArticle(url: string, ctx: SourceContext): Promise<FetchedArticle> {
  const res = await safeFetch(url, { ...guardedFetchOptions(ctx), accept: PAGE_TYPES });
  if (res.contentType === 'text/plain') {
    return {
      url: res.url,
      title: null,
      text: normalizeText(decodeBody(res.body, res.charset, 'text')),
      publishedAt: null,
    };
  }
  return { url: res.url, ...extractArticle(decodeBody(res.body, res.charset, 'html')) };
}

export async function resolveUrlSource(spec: { url: string }, ctx: SourceContext): Promise<SourceDocument> {
  const article = await fetchArticle(spec.url, ctx);
  if (!article.text) throw new ProviderError('SOURCE_EMPTY', `no readable content at ${article.url}`, false);
  return makeDocument({
    kind: 'url',
    title: article.title ?? titleFromUrl(article.url),
    url: article.url,
    publishedAt: article.publishedAt,
    text: article.text,
  });
}

function titleFromUrl(url: string): string {
  const u = new URL(url);
  const last = u.pathname.split('/').filter(Boolean).pop();
  if (!last) return u.hostname;
  try {
    return `${u.hostname}: ${decodeURIComponent(last)}`;
  } catch {
    return `${u.hostname}: ${last}`;
  }
}

import type { SourceDocument } from '../types';
import { makeDocument } from './document';

/** Inline text supplied with the request. */
export function resolveTextSource(spec: { title: string; text: string }): SourceDocument {
  return makeDocument({ kind: 'text', title: spec.title, url: null, publishedAt: null, text: spec.text });
}

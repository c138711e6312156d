import { createHash } from 'node:crypto';
import { ProviderError, type SourceDocument } from '../types';
import { normalizeText } from './html-text';

/** sha256 hex of a document's text: the key of the source-document cache. */
export function contentHash(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** Builds a SourceDocument with normalised text and its hash; empty text is SOURCE_EMPTY. */
export function makeDocument(fields: Omit<SourceDocument, 'contentHash'>): SourceDocument {
  const text = normalizeText(fields.text);
  if (!text) throw new ProviderError('SOURCE_EMPTY', `no text found in ${fields.url ?? fields.title}`, false);
  const title = normalizeText(fields.title).replace(/\s+/g, ' ') || fields.url || 'Untitled';
  return { ...fields, title, text, contentHash: contentHash(text) };
}

/** ISO 8601 for any date string Date.parse understands (RFC 822, ISO, YYYY-MM-DD); otherwise null. */
export function toIsoDate(value: string | null | undefined): string | null {
  if (!value) return null;
  const ms = Date.parse(value.trim());
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

// The documents sources resolved to, kept once per content hash (their text is stored once too).
import { v7 as uuidv7 } from 'uuid';
import type { PrismaClient, SourceDocument } from '../generated/prisma/client';
import { type HotStatement, runHot } from './hot-sql';

export type SourceDocumentInput = Pick<
  SourceDocument,
  'contentHash' | 'url' | 'title' | 'kind' | 'textKey'
> & {
  publishedAt: Date | null;
};

const REMEMBER_SOURCE_DOCUMENT: HotStatement = {
  name: 'podfleet_remember_source_document',
  text: `INSERT INTO source_documents (id, content_hash, url, title, kind, text_key, published_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7::timestamptz) ON CONFLICT DO NOTHING`,
};

/** Records a document unless one with its content hash exists (one statement, every scrape runs it). */
export async function rememberSourceDocument(db: PrismaClient, doc: SourceDocumentInput): Promise<void> {
  await runHot(db, REMEMBER_SOURCE_DOCUMENT, [
    uuidv7(),
    doc.contentHash,
    doc.url,
    doc.title,
    doc.kind,
    doc.textKey,
    doc.publishedAt,
  ]);
}

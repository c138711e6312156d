import { z } from 'zod';
import {
  ProviderError,
  type ScriptDocument,
  type SourceDocument,
  type Style,
  sourceDocumentSchema,
  styleSchema,
} from '../types';

export interface ScriptWriteRequest {
  documents: SourceDocument[];
  style: Style;
  signal?: AbortSignal;
}

export interface ScriptWriter {
  readonly provider: 'local' | 'anthropic' | 'openai';
  /** Resolves to a script valid under `scriptDocumentSchema`; rejects with ProviderError. */
  write(request: ScriptWriteRequest): Promise<ScriptDocument>;
}

/** Speaking rate the word budget assumes. */
export const WORDS_PER_MINUTE = 150;
/** A script hits its budget when its word count is within ±15 % of `targetWordCount`. */
export const WORD_BUDGET_TOLERANCE = 0.15;

export function targetWordCount(style: Pick<Style, 'targetMinutes'>): number {
  return Math.round(style.targetMinutes * WORDS_PER_MINUTE);
}

/** Spoken words: whitespace-separated tokens holding a letter or digit (dashes and bare punctuation don't count). */
export function countWords(text: string): number {
  let count = 0;
  for (const token of text.split(/\s+/)) if (/[\p{L}\p{N}]/u.test(token)) count++;
  return count;
}

const requestSchema = z.object({
  documents: z.array(sourceDocumentSchema).min(1, 'at least one source document is needed'),
  style: styleSchema.refine(
    (style) => new Set(style.hosts.map((h) => h.name.trim().toLowerCase())).size === style.hosts.length,
    'host names must be unique',
  ),
});

/** Validates what a writer was given; bad input is the caller's bug, so never retryable. */
export function parseWriteRequest(request: ScriptWriteRequest): {
  documents: SourceDocument[];
  style: Style;
} {
  const parsed = requestSchema.safeParse({ documents: request.documents, style: request.style });
  if (!parsed.success) {
    throw new ProviderError(
      'SCRIPT_FAILED',
      `invalid script request: ${z.prettifyError(parsed.error)}`,
      false,
    );
  }
  return parsed.data;
}

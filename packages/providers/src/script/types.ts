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
  /** Languages (BCP 47) it writes; null: any the model knows. */
  readonly languages: readonly string[] | null;
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

/**
 * How spoken length is counted and how fast it is spoken, by language: words for languages written
 * with spaces between words, characters for Chinese and Japanese (a "word" there is a whole clause).
 * Rates are typical podcast speech; a language not listed speaks at the English rate.
 */
export interface SpeechRate {
  unit: 'words' | 'characters';
  perMinute: number;
}

const CHARACTER_RATES: Record<string, number> = { zh: 250, cmn: 250, yue: 250, ja: 350 };
const WORD_RATES: Record<string, number> = { de: 130, fi: 110, ru: 130, pl: 130, hu: 120, tr: 120 };

/** The primary subtag of a BCP 47 tag, lower case: `pt-BR` → `pt`. */
export const primaryLanguage = (tag: string) => tag.toLowerCase().split(/[-_]/)[0] ?? tag.toLowerCase();

export function speechRate(language: string): SpeechRate {
  const primary = primaryLanguage(language);
  const characters = CHARACTER_RATES[primary];
  if (characters !== undefined) return { unit: 'characters', perMinute: characters };
  return { unit: 'words', perMinute: WORD_RATES[primary] ?? WORDS_PER_MINUTE };
}

/** Spoken length of a text in the unit `speechRate(language)` counts. */
export function spokenLength(text: string, language: string): number {
  if (speechRate(language).unit === 'words') return countWords(text);
  return [...text].filter((c) => /[\p{L}\p{N}]/u.test(c)).length;
}

/** The script's length target for a style: what the prompt asks for and the length check holds. */
export function lengthTarget(style: Pick<Style, 'targetMinutes' | 'language'>): {
  unit: SpeechRate['unit'];
  perMinute: number;
  target: number;
  low: number;
  high: number;
  tolerance: number;
} {
  const rate = speechRate(style.language);
  const target = Math.round(style.targetMinutes * rate.perMinute);
  return {
    ...rate,
    target,
    low: Math.round(target * (1 - WORD_BUDGET_TOLERANCE)),
    high: Math.round(target * (1 + WORD_BUDGET_TOLERANCE)),
    tolerance: WORD_BUDGET_TOLERANCE,
  };
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

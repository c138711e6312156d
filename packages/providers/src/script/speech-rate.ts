/**
 * How spoken length is counted and how fast it is spoken, by language: words for languages written
 * with spaces between words, characters for Chinese and Japanese (a "word" there is a whole clause).
 * Rates are typical podcast speech; a language not listed speaks at the English rate.
 */
export interface SpeechRate {
  unit: 'words' | 'characters';
  perMinute: number;
}

/** Words a minute of English podcast speech: what the LLM writers' prompts ask for. */
export const WORDS_PER_MINUTE = 150;
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

/** Spoken words: whitespace-separated tokens holding a letter or digit (dashes and bare punctuation don't count). */
export function countWords(text: string): number {
  let count = 0;
  for (const token of text.split(/\s+/)) if (/[\p{L}\p{N}]/u.test(token)) count++;
  return count;
}

/** Spoken length of a text in the unit `speechRate(language)` counts. */
export function spokenLength(text: string, language: string): number {
  if (speechRate(language).unit === 'words') return countWords(text);
  return [...text].filter((c) => /[\p{L}\p{N}]/u.test(c)).length;
}

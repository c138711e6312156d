import { spokenProse } from '../../sources/prose';
import { countWords } from '../speech-rate';

/** A sentence fit to be read aloud, with its position among all sentences of its document. */
export interface Sentence {
  text: string;
  position: number;
  words: number;
  /**
   * It reads as a sentence on its own: a capital or digit first, its own end punctuation last. A
   * hard-wrapped line of a bill gets a full stop to be spoken, but is no sentence to quote.
   */
  whole: boolean;
}

const OWN_START = /^["'“‘(]?[\p{Lu}\p{N}]/u;
const OWN_END = /[.!?…]["'”’)\]]*$/;

// Words followed by a period that do not end a sentence ("Sen. Smith", "the U.S. Senate").
const ABBREVIATIONS = new Set(
  (
    'mr mrs ms dr prof sr jr st sen rep gov gen col lt sgt capt rev hon pres no nos vs e.g i.e inc ltd co corp ' +
    'jan feb mar apr jun jul aug sep sept oct nov dec fig approx dept est cf al mt ft ave blvd p.m a.m'
  ).split(' '),
);

// Text around articles that is not content: calls to action, legal lines, captions, navigation.
const BOILERPLATE = [
  /\b(click|tap) here\b/i,
  /\bsubscribe\b/i,
  /\bsign (up|in)\b/i,
  /\bnewsletter\b/i,
  /\bcookies?\b/i,
  /\ball rights reserved\b/i,
  /\bcopyright\b|©/i,
  /\bprivacy policy\b/i,
  /\bterms of (use|service)\b/i,
  /\bfollow us\b/i,
  /\bshare (this|on)\b/i,
  /\bread more\b/i,
  /\badvertisement\b/i,
  /\bsponsored\b/i,
  /\bskip to (main )?content\b/i,
  /\blog ?in\b/i,
  /\benable javascript\b/i,
  /\bgetty images\b|\b(photo|image|caption|credit):/i,
  /\bdownload (the|our) app\b/i,
  /\brelated (articles|stories|posts)\b/i,
  /\bcontact us\b/i,
  /\S+@\S+\.\w+/,
];

const MIN_WORDS = 5;
const MAX_WORDS = 70;

/** Removes what cannot be spoken: URLs, reference marks like [12], repeated whitespace. */
function cleanLine(line: string): string {
  return line
    .replace(/\bhttps?:\/\/\S+|\bwww\.\S+/g, '')
    .replace(/\[(?:\d+|[a-z]|citation needed|edit|note \d+)\]/gi, '')
    .replace(/[ \t\u00a0]+/g, ' ')
    .trim();
}

/** Small rewrites so TTS reads the sentence naturally. */
function speakable(sentence: string): string {
  return sentence
    .replace(/\s*&\s*/g, ' and ')
    .replace(/(\d)\s?%/g, '$1 percent')
    .replace(/\s+([,.;:!?])/g, '$1')
    .replace(/\s{2,}/g, ' ')
    .trim();
}

function endsWithAbbreviation(before: string): boolean {
  const token = (before.split(/\s+/).pop() ?? '').replace(/^["'“‘([]+/, '');
  const lower = token.toLowerCase();
  return ABBREVIATIONS.has(lower) || /^\p{L}$/u.test(token) || /^(\p{L}\.)+\p{L}$/u.test(token);
}

/** A boundary: end punctuation, closing quotes, space, then a capital or digit (maybe quoted). */
const SENTENCE_BOUNDARY = /([.!?…]+)(["'”’)\]]*)(\s+)(?=["'“‘([]?[\p{Lu}\p{N}])/gu;
/** The same, but before any letter: text going on in lower case after a full stop is cut off too. */
const ANY_BOUNDARY = /([.!?…]+)(["'”’)\]]*)(\s+)(?=["'“‘([]?[\p{L}\p{N}])/gu;

/** Splits one paragraph into sentences; periods after abbreviations and initials do not split. */
export function splitSentences(paragraph: string): string[] {
  return splitAt(paragraph, SENTENCE_BOUNDARY);
}

/**
 * Like splitSentences, but a full stop followed by lower case splits as well, so a clause that
 * does not start a sentence (a list item of a bill, a sliced quote) comes out as a piece of its own.
 */
export function splitSentencesAndFragments(paragraph: string): string[] {
  return splitAt(paragraph, ANY_BOUNDARY);
}

function splitAt(paragraph: string, boundary: RegExp): string[] {
  const sentences: string[] = [];
  let start = 0;
  for (const match of paragraph.matchAll(boundary)) {
    const punctuation = match[1] ?? '';
    const at = match.index ?? 0;
    if (punctuation === '.' && endsWithAbbreviation(paragraph.slice(start, at))) continue;
    const end = at + punctuation.length + (match[2] ?? '').length;
    sentences.push(paragraph.slice(start, end).trim());
    start = end + (match[3] ?? '').length;
  }
  const tail = paragraph.slice(start).trim();
  if (tail) sentences.push(tail);
  return sentences;
}

function isBoilerplate(sentence: string): boolean {
  return BOILERPLATE.some((pattern) => pattern.test(sentence));
}

function mostlyLetters(sentence: string): boolean {
  const visible = sentence.replace(/\s/g, '');
  const letters = visible.match(/\p{L}/gu)?.length ?? 0;
  return visible.length > 0 && letters / visible.length >= 0.6;
}

/**
 * The sentences of a document worth reading aloud, in order: only its prose (spokenProse: no code,
 * tables or footnote marks). Short lines without end punctuation are
 * taken as headings and skipped; boilerplate, fragments and run-ons (over 70 words) are dropped.
 */
export function extractSentences(text: string): Sentence[] {
  const result: Sentence[] = [];
  let position = 0;
  for (const rawLine of spokenProse(text).split(/\n+/)) {
    const line = cleanLine(rawLine);
    if (!line) continue;
    if (!/[.!?…]["'”’)\]]*$/.test(line) && countWords(line) < 12) continue; // a heading
    for (const raw of splitSentences(line)) {
      position++;
      let sentence = speakable(raw);
      const words = countWords(sentence);
      if (words < MIN_WORDS || words > MAX_WORDS || isBoilerplate(sentence) || !mostlyLetters(sentence))
        continue;
      const whole = OWN_START.test(sentence) && OWN_END.test(sentence);
      if (!OWN_END.test(sentence)) sentence += '.';
      result.push({ text: sentence, position: position - 1, words, whole });
    }
  }
  return result;
}

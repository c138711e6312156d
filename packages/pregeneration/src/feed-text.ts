import { splitSentencesAndFragments } from '@podfleet/providers';

/** Starts like a sentence (capital, digit, opening quote) and ends like one (. ! ? …, closing quotes). */
const WHOLE_SENTENCE = /^["'“‘(]?[\p{Lu}\p{N}].*[.!?…]["'”’)\]]*$/su;

/**
 * The whole sentences of `text`, in order, as many as fit in `maxChars`. A fragment (a clause cut
 * out of a list, text sliced mid-sentence) is left out: podcast apps show the description as the
 * episode's summary, where a sentence ending mid-clause reads as a bug.
 */
export function wholeSentences(text: string, maxChars: number): string {
  const kept: string[] = [];
  let length = 0;
  for (const paragraph of text.split(/\n+/)) {
    for (const sentence of splitSentencesAndFragments(paragraph.replace(/\s+/g, ' ').trim())) {
      if (!WHOLE_SENTENCE.test(sentence)) continue;
      const added = sentence.length + (kept.length > 0 ? 1 : 0);
      if (length + added > maxChars) return kept.join(' ');
      kept.push(sentence);
      length += added;
    }
  }
  return kept.join(' ');
}

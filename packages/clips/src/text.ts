// Small text measures the clip features share. English-first: the hooks' word lists are English;
// other languages still get punctuation-based hooks, turns, energy and topic overlap.

const SENTENCE_END = /[.!?…]["')\]]*$/u;
const CONTINUATION_START =
  /^(and|but|so|or|because|which|that|also|then|yeah|yes|right|well|exactly|plus|though|although)\b/i;
const QUESTION_START =
  /^(what|why|how|when|where|who|which|is|are|do|does|did|can|could|would|should|have|has|ever)\b/i;
const NUMBER =
  /\d|\b(one|two|three|four|five|six|seven|eight|nine|ten|hundred|thousand|million|billion|percent|half|twice)\b/i;
const STRONG_CLAIM =
  /\b(never|always|biggest|largest|most|least|best|worst|first|only|every|nobody|everyone|surprising|shocking|secret|mistake|truth|myth|wrong|changed|record)\b/i;

const STOPWORDS = new Set(
  'a an the and or but so of to in on at for from by with about as is are was were be been being it its this that these those there here we you they he she i me my our your their his her them us do does did have has had not no yes if then than too very can could would should will just also into out up down over more most some any all what which who whom why how when where while'.split(
    ' ',
  ),
);

export const endsSentence = (text: string) => SENTENCE_END.test(text.trim());
export const startsMidThought = (text: string) => CONTINUATION_START.test(text.trim());

/** The first sentence of `text` (or all of it), trimmed. */
export function firstSentence(text: string): string {
  const match = /^.*?[.!?…](?=\s|$)/su.exec(text.trim());
  return (match ? match[0] : text).trim();
}

export type HookKind = 'question' | 'number' | 'claim';

/** What kind of opening a line makes: a question, a number, a strong claim, or none. */
export function hookKind(text: string): HookKind | null {
  const sentence = firstSentence(text);
  if (sentence.endsWith('?') || QUESTION_START.test(sentence)) return 'question';
  if (NUMBER.test(sentence)) return 'number';
  if (STRONG_CLAIM.test(sentence)) return 'claim';
  return null;
}

/** Content words: lower case, letters and digits, stop words out. */
export function contentWords(text: string): string[] {
  return (text.toLowerCase().match(/[\p{L}\p{N}']+/gu) ?? []).filter(
    (w) => w.length > 2 && !STOPWORDS.has(w),
  );
}

/** Cosine similarity of two texts' content-word counts, 0–1. */
export function similarity(a: string[], b: string[]): number {
  if (a.length === 0 || b.length === 0) return 0;
  const count = (words: string[]) => {
    const m = new Map<string, number>();
    for (const w of words) m.set(w, (m.get(w) ?? 0) + 1);
    return m;
  };
  const ca = count(a);
  const cb = count(b);
  let dot = 0;
  for (const [w, n] of ca) dot += n * (cb.get(w) ?? 0);
  const norm = (m: Map<string, number>) => Math.sqrt([...m.values()].reduce((s, n) => s + n * n, 0));
  return dot / (norm(ca) * norm(cb));
}

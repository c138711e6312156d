import type { Sentence } from './sentences';

// Function words carry no topic; they are left out of term weights.
const STOPWORDS = new Set(
  (
    'a about above after again against all also am an and any are as at be because been before being below ' +
    'between both but by can could did do does doing down during each few for from further had has have having ' +
    'he her here hers herself him himself his how i if in into is it its itself just me more most my myself no ' +
    'nor not now of off on once only or other our ours ourselves out over own same she should so some such than ' +
    'that the their theirs them themselves then there these they this those through to too under until up very ' +
    'was we were what when where which while who whom why will with would you your yours yourself yourselves ' +
    'said says say one two three many much may might must shall upon us new first last year years also like ' +
    'made make get got well even still yet however according'
  ).split(' '),
);

const MAX_SENTENCES_PER_DOCUMENT = 600; // bounds the work on very long sources; their tail rarely wins anyway
const REDUNDANCY_DECAY = 0.5; // a picked sentence halves its terms' weights (SumBasic), so the next pick adds news
const NEAR_DUPLICATE = 0.7; // Jaccard overlap of terms above which a sentence repeats one already picked

export function contentTerms(text: string): string[] {
  const terms: string[] = [];
  for (const token of text.toLowerCase().match(/[\p{L}\p{N}][\p{L}\p{N}'’-]*/gu) ?? []) {
    const term = token.replace(/['’]s$/, '');
    if (!STOPWORDS.has(term) && (term.length >= 3 || /\d/.test(term))) terms.push(term);
  }
  return terms;
}

export interface Candidate extends Sentence {
  terms: string[];
  /** Everything but term weights: position, length, numbers, title overlap. */
  prior: number;
}

export interface ScoredDocument {
  candidates: Candidate[];
  /** Term weight: log(1 + sentences containing it) × log(1 + documents / documents containing it). */
  weights: Map<string, number>;
  availableWords: number;
}

// Openers that lean on the previous sentence ("It launched…", "However, …"): out of context they dangle.
const DANGLING_OPENER =
  /^["'“‘]?(it|its|this|that|these|those|they|their|them|he|she|his|her|however|but|also|another|such|both)\b/i;

function prior(sentence: Sentence, terms: string[], titleTerms: Set<string>): number {
  const lead = 1 + 0.5 * Math.exp(-sentence.position / 3); // news and reports front-load what matters
  const length = sentence.words < 8 ? 0.75 : sentence.words > 40 ? 0.85 : 1;
  const numbers = /\d/.test(sentence.text) ? 1.1 : 1;
  const titleHits = terms.filter((t) => titleTerms.has(t)).length;
  const dangling = sentence.position > 0 && DANGLING_OPENER.test(sentence.text) ? 0.6 : 1;
  return lead * length * numbers * dangling * (1 + Math.min(0.3, 0.1 * titleHits));
}

/** Term statistics for every document of an episode (document frequency spans the whole episode). */
export function scoreDocuments(documents: Array<{ title: string; sentences: Sentence[] }>): ScoredDocument[] {
  const perDocument = documents.map(({ title, sentences }) => {
    const titleTerms = new Set(contentTerms(title));
    const candidates = sentences.slice(0, MAX_SENTENCES_PER_DOCUMENT).map((sentence) => {
      const terms = [...new Set(contentTerms(sentence.text))];
      return { ...sentence, terms, prior: prior(sentence, terms, titleTerms) };
    });
    const sentenceFrequency = new Map<string, number>();
    for (const c of candidates)
      for (const t of c.terms) sentenceFrequency.set(t, (sentenceFrequency.get(t) ?? 0) + 1);
    return { candidates, sentenceFrequency };
  });
  const documentFrequency = new Map<string, number>();
  for (const { sentenceFrequency } of perDocument) {
    for (const t of sentenceFrequency.keys()) documentFrequency.set(t, (documentFrequency.get(t) ?? 0) + 1);
  }
  return perDocument.map(({ candidates, sentenceFrequency }) => {
    const weights = new Map<string, number>();
    for (const [t, sf] of sentenceFrequency) {
      const idf = Math.log(1 + documents.length / (documentFrequency.get(t) ?? 1));
      weights.set(t, Math.log(1 + sf) * idf);
    }
    return { candidates, weights, availableWords: candidates.reduce((sum, c) => sum + c.words, 0) };
  });
}

function score(candidate: Candidate, weights: Map<string, number>): number {
  if (candidate.terms.length === 0) return 0;
  let sum = 0;
  for (const t of candidate.terms) sum += weights.get(t) ?? 0;
  return (sum / candidate.terms.length) * candidate.prior;
}

function jaccard(a: string[], b: string[]): number {
  const setB = new Set(b);
  const shared = a.filter((t) => setB.has(t)).length;
  const union = a.length + b.length - shared;
  return union === 0 ? 1 : shared / union;
}

/**
 * Greedy extractive pick for one document: repeatedly takes the best-scoring sentence whose words bring
 * the total closer to `budgetWords`, skipping near-duplicates and decaying the weights of terms already
 * covered. At least one sentence is taken when any exists. Returns sentences in document order.
 */
export function selectSentences(doc: ScoredDocument, budgetWords: number): Candidate[] {
  const weights = new Map(doc.weights);
  const remaining = [...doc.candidates];
  const picked: Candidate[] = [];
  let words = 0;
  for (;;) {
    let best: { candidate: Candidate; index: number; score: number } | undefined;
    for (let i = 0; i < remaining.length; i++) {
      const candidate = remaining[i] as Candidate;
      const fits =
        words + candidate.words <= budgetWords || words + candidate.words - budgetWords < budgetWords - words;
      if (!fits) continue;
      const s = score(candidate, weights);
      if (!best || s > best.score) best = { candidate, index: i, score: s };
    }
    if (!best) break;
    remaining.splice(best.index, 1);
    if (picked.some((p) => jaccard(p.terms, best.candidate.terms) >= NEAR_DUPLICATE)) continue;
    picked.push(best.candidate);
    words += best.candidate.words;
    for (const t of best.candidate.terms) weights.set(t, (weights.get(t) ?? 0) * REDUNDANCY_DECAY);
  }
  if (picked.length === 0 && doc.candidates.length > 0) {
    // Budget smaller than any sentence: the shortest among the five best still represents the source.
    const top = [...doc.candidates].sort((a, b) => score(b, doc.weights) - score(a, doc.weights)).slice(0, 5);
    picked.push(top.reduce((shortest, c) => (c.words < shortest.words ? c : shortest)));
  }
  return picked.sort((a, b) => a.position - b.position);
}

/**
 * Splits `totalWords` across documents evenly, capped by what each has (water-filling): a short source
 * gives its unused share to the longer ones.
 */
export function allocateBudget(availableWords: number[], totalWords: number): number[] {
  const budgets = availableWords.map(() => 0);
  let open = availableWords.map((_, i) => i);
  let left = Math.max(0, totalWords);
  while (open.length > 0 && left > 0) {
    const share = left / open.length;
    const capped = open.filter((i) => (availableWords[i] ?? 0) <= share);
    if (capped.length === 0) {
      for (const i of open) budgets[i] = share;
      break;
    }
    for (const i of capped) {
      budgets[i] = availableWords[i] ?? 0;
      left -= budgets[i] ?? 0;
    }
    open = open.filter((i) => !capped.includes(i));
  }
  return budgets;
}

import { createHash } from 'node:crypto';
import { languageMatches } from '../../languages';
import {
  ProviderError,
  type ScriptDocument,
  type ScriptLine,
  type SourceDocument,
  scriptDocumentSchema,
} from '../../types';
import { countWords } from '../speech-rate';
import { REFERENCE_PACE, scriptSeconds } from '../spoken-duration';
import {
  lengthRecord,
  lengthTarget,
  parseWriteRequest,
  type ScriptWriteRequest,
  type ScriptWriter,
} from '../types';
import { joinList, renderDialogue, type SourceSegment } from './dialogue';
import { allocateBudget, type ScoredDocument, scoreDocuments, selectSentences } from './selection';
import { extractSentences } from './sentences';

const MAX_FIT_ROUNDS = 12;
const MAX_DESCRIPTION_CHARS = 1000;
const CLOSE_ENOUGH = 0.02; // stop fitting once within 2 % of the target

function shorten(title: string, maxWords: number): string {
  const clean = title
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/[\s.:;,!?-]+$/, '');
  const words = clean.split(' ');
  return words.length <= maxWords ? clean : words.slice(0, maxWords).join(' ');
}

/** The sentences, in order, that fit in `maxChars` together: never one cut in the middle. */
function wholeSentencesWithin(sentences: string[], maxChars: number): string {
  let text = '';
  for (const sentence of sentences.filter(Boolean)) {
    const next = text ? `${text} ${sentence}` : sentence;
    if (next.length > maxChars) break;
    text = next;
  }
  return text;
}

function episodeTitle(documents: SourceDocument[]): string {
  const titles = documents.map((d) => shorten(d.title, 10) || 'Untitled source');
  const [first = 'Episode', second] = titles;
  if (titles.length === 1) return first;
  if (titles.length === 2 && `${first} and ${second}`.length <= 90) return `${first} and ${second}`;
  return `${first} and ${titles.length - 1} more`;
}

function seedOf(documents: SourceDocument[], hosts: string[]): number {
  const digest = createHash('sha256')
    .update(JSON.stringify([documents.map((d) => d.contentHash), hosts]))
    .digest();
  return digest.readUInt32BE(0);
}

interface Draft {
  lines: ScriptLine[];
  chapters: Array<{ title: string }>;
  words: number;
  /** Estimated duration at the fleet's pace (s). */
  seconds: number;
  /** Every usable sentence of every source is in the script. */
  exhausted: boolean;
  /** The description quotes it: the first sentence picked that reads whole on its own. */
  firstSentence: string | undefined;
}

/**
 * Offline, deterministic, extractive writer. Each source's most informative sentences (term weights,
 * lead position, length, title overlap; boilerplate skipped) are picked to fill the word budget, kept
 * in source order and split between the hosts with varied hand-offs, framed by an intro, one chapter
 * per source and a wrap-up.
 *
 * Budget rule: the script's estimated duration at the fleet's pace (scriptSeconds: letters, digits
 * and pauses, at the engine's published speed) lands within ±15 % of targetMinutes whenever the
 * sources hold enough usable text. When they do not, every usable sentence is used, the script is shorter, and the
 * outro and description say so; nothing is padded or invented. When the minimum (intro, outro, one
 * sentence per source) already exceeds the budget — many sources in a very short episode — the script
 * runs long rather than drop a source.
 */
export class LocalScriptWriter implements ScriptWriter {
  readonly provider = 'local' as const;
  /** Its framing phrases are English; it writes no other language (the LLM writers do). */
  readonly languages = ['en'];

  async write(request: ScriptWriteRequest): Promise<ScriptDocument> {
    request.signal?.throwIfAborted();
    const { documents, style } = parseWriteRequest(request);
    if (!this.languages.some((code) => languageMatches(style.language, code))) {
      throw new ProviderError(
        'SCRIPT_FAILED',
        `the offline script writer writes only English (en), not "${style.language}"; SCRIPT_PROVIDER=anthropic or openai writes other languages`,
        false,
      );
    }
    const hosts = style.hosts.map((h) => h.name);
    const pace = request.pace ?? REFERENCE_PACE;
    const length = lengthTarget(style, pace);
    const { target, targetSec, tolerance } = length;
    const scored = scoreDocuments(
      documents.map((d) => ({ title: d.title, sentences: extractSentences(d.text) })),
    );
    const seed = seedOf(documents, hosts);
    const totalAvailable = scored.reduce((sum, d) => sum + d.availableWords, 0);

    const draft = (contentBudget: number, shortfall: boolean): Draft => {
      const budgets = allocateBudget(
        scored.map((d) => d.availableWords),
        contentBudget,
      );
      const picks = scored.map((doc: ScoredDocument, i) => selectSentences(doc, budgets[i] ?? 0));
      const segments: SourceSegment[] = documents.map((d, i) => ({
        title: d.title.trim() || `Source ${i + 1}`,
        spokenTitle: shorten(d.title, 12) || `source ${i + 1}`,
        sentences: (picks[i] ?? []).map((c) => c.text),
      }));
      const { chapters, lines } = renderDialogue({ hosts, segments, seed, shortfall });
      return {
        chapters,
        lines,
        words: lines.reduce((sum, l) => sum + countWords(l.text), 0),
        seconds: scriptSeconds(lines, style.language, pace),
        exhausted: picks.every((p, i) => p.length === scored[i]?.candidates.length),
        firstSentence: picks.flat().find((c) => c.whole)?.text,
      };
    };

    // Fit: sentences are picked by a budget in words, but words take more or less time to say
    // (numbers, long words, punctuation), and the framing depends on how many turns there are; so
    // convert the duration's miss to words at the draft's own seconds per word and redraw until
    // close; keep the closest draft.
    const missOf = (d: Draft) => targetSec - d.seconds;
    let contentBudget = target * 0.8;
    let current = draft(contentBudget, false);
    let best = current;
    for (let round = 1; round < MAX_FIT_ROUNDS; round++) {
      const miss = missOf(current);
      if (Math.abs(miss) <= targetSec * CLOSE_ENOUGH || (miss > 0 && current.exhausted)) break;
      const secondsPerWord = current.seconds / Math.max(1, current.words);
      contentBudget = Math.min(Math.max(0, contentBudget + miss / secondsPerWord), totalAvailable + target);
      current = draft(contentBudget, false);
      if (Math.abs(missOf(current)) < Math.abs(missOf(best))) best = current;
    }
    const shortfall = best.exhausted && best.seconds < targetSec * (1 - tolerance);
    if (shortfall) best = draft(totalAvailable + target, true);

    const minutes = style.targetMinutes;
    const titles = documents.map((d) => shorten(d.title, 12));
    const listed =
      titles.length <= 5
        ? joinList(titles)
        : `${titles.slice(0, 5).join(', ')} and ${titles.length - 5} more`;
    const description = wholeSentencesWithin(
      [
        `${joinList(hosts)} ${hosts.length === 1 ? 'talks' : 'talk'} through ${listed}.`,
        best.firstSentence ?? '',
        shortfall ? `(Shorter than the requested ${minutes} minutes: the sources ran out.)` : '',
      ],
      MAX_DESCRIPTION_CHARS,
    );

    return scriptDocumentSchema.parse({
      title: episodeTitle(documents),
      description,
      hosts: style.hosts,
      language: style.language,
      chapters: best.chapters,
      lines: best.lines,
      wordCount: best.words,
      length: lengthRecord(
        length,
        pace,
        { spoken: best.words, seconds: best.seconds, followUps: 0 },
        () =>
          `: ${shortfall ? 'the sources ran out' : 'an intro, an outro and a sentence per source need more'}`,
      ),
      usage: { provider: 'local', model: null, inputTokens: 0, outputTokens: 0, costUsd: 0 },
    });
  }
}

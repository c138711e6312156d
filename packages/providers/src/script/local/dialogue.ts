import type { ScriptLine } from '../../types';
import { countWords } from '../speech-rate';

export interface SourceSegment {
  /** Chapter title (the source title). */
  title: string;
  /** The title as a host says it: short, no trailing punctuation. */
  spokenTitle: string;
  /** Extracted sentences in document order. */
  sentences: string[];
}

export interface DialogueInput {
  hosts: string[];
  segments: SourceSegment[];
  /** Picks the phrasing; the same seed gives the same script. */
  seed: number;
  /** The sources ran out before the word budget: the outro says so. */
  shortfall: boolean;
}

// Hand-offs between hosts. A reaction opens the next host's turn; a question is a line of its own that
// the host after the asker answers.
const REACTIONS = [
  'Right.',
  'Exactly.',
  'Good point.',
  'Interesting.',
  "And here's the key part:",
  'Building on that:',
  "Here's what stood out to me:",
  'Worth adding:',
  'Okay, and on top of that:',
  "That's a big deal.",
  'And there is more to it.',
  'That connects to something else.',
];
const QUESTIONS = [
  'Right — and what does that mean in practice?',
  'So why does that matter?',
  'Who does this actually affect?',
  'What happens next?',
  "Wait, what's the bigger picture here?",
  'How does that work, exactly?',
  'And what else stands out?',
  'Is there a catch?',
];
const ANSWER_OPENERS = ['Good question.', '', 'So, here is the thing.', '', 'Glad you asked.', ''];
const SOLO_CONNECTIVES = ['', 'Also worth knowing:', '', "Here's the key part:", '', 'On top of that:'];
const FIRST_TRANSITIONS = ['First up: {t}.', "Let's start with {t}."];
const MIDDLE_TRANSITIONS = ['Next: {t}.', 'Moving on to {t}.', 'Now, {t}.', 'Our next story: {t}.'];
const LAST_TRANSITIONS = ['And finally: {t}.', 'Last up: {t}.'];
const ONLY_TRANSITIONS = ["Today's story: {t}.", 'Here is what we are covering: {t}.'];

const NUMBER_WORDS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten'];

/** mulberry32: a tiny seeded PRNG, so phrase order varies per episode yet stays reproducible. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Cycles through a seeded shuffle of `phrases`: every phrase is used once before any repeats. */
function cycle(phrases: string[], rand: () => number): () => string {
  const order = [...phrases];
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [order[i], order[j]] = [order[j] as string, order[i] as string];
  }
  let k = 0;
  return () => order[k++ % order.length] as string;
}

export function joinList(items: string[]): string {
  if (items.length <= 1) return items[0] ?? '';
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** Up to three titles, then "and N more". */
function previewList(segments: SourceSegment[]): string {
  const titles = segments.map((s) => s.spokenTitle);
  return titles.length <= 3
    ? joinList(titles)
    : `${titles.slice(0, 3).join(', ')} and ${titles.length - 3} more`;
}

/** Groups sentences into turns of about 40 words (at most three sentences). */
function turns(sentences: string[]): string[] {
  const result: string[] = [];
  let current: string[] = [];
  let words = 0;
  for (const sentence of sentences) {
    current.push(sentence);
    words += countWords(sentence);
    if (words >= 40 || current.length === 3) {
      result.push(current.join(' '));
      current = [];
      words = 0;
    }
  }
  if (current.length > 0) result.push(current.join(' '));
  return result;
}

function withOpener(opener: string, text: string): string {
  return opener ? `${opener} ${text}` : text;
}

/**
 * Builds the spoken lines: chapter 0 intro, one chapter per source, a closing chapter. Speakers rotate
 * so no host has two lines in a row; with several hosts every one speaks (intro greetings at least).
 */
export function renderDialogue(input: DialogueInput): {
  chapters: Array<{ title: string }>;
  lines: ScriptLine[];
} {
  const { hosts, segments } = input;
  const rand = random(input.seed);
  const reaction = cycle(REACTIONS, rand);
  const question = cycle(QUESTIONS, rand);
  const answerOpener = cycle(ANSWER_OPENERS, rand);
  const soloConnective = cycle(SOLO_CONNECTIVES, rand);
  const transition = {
    first: cycle(FIRST_TRANSITIONS, rand),
    middle: cycle(MIDDLE_TRANSITIONS, rand),
    last: cycle(LAST_TRANSITIONS, rand),
    only: cycle(ONLY_TRANSITIONS, rand),
  };
  const lines: ScriptLine[] = [];
  const contentWords = hosts.map(() => 0); // source material each host has read, for balancing turns
  let last = -1;
  const say = (chapter: number, text: string, speaker: number) => {
    lines.push({ speaker: hosts[speaker] as string, text, chapter });
    if (chapter > 0 && chapter <= segments.length)
      contentWords[speaker] = (contentWords[speaker] ?? 0) + countWords(text);
    last = speaker;
  };
  /** The host other than `except` with the least (or most) material so far; ties go in rotation order. */
  const pick = (except: number, by: 'least' | 'most'): number => {
    let chosen = -1;
    for (let step = 1; step <= hosts.length; step++) {
      const candidate = (except + step) % hosts.length;
      if (candidate === except && hosts.length > 1) continue;
      const words = contentWords[candidate] ?? 0;
      const best = contentWords[chosen] ?? 0;
      if (chosen === -1 || (by === 'least' ? words < best : words > best)) chosen = candidate;
    }
    return chosen;
  };
  const next = () => (last + 1) % hosts.length;
  const solo = hosts.length === 1;

  // Chapter 0: greetings and what is coming.
  const preview = previewList(segments);
  const count =
    segments.length === 1 ? 'one story' : `${NUMBER_WORDS[segments.length] ?? segments.length} stories`;
  if (solo) {
    say(0, `Welcome in. I'm ${hosts[0]}, and today I'm covering ${count}: ${preview}.`, 0);
  } else {
    say(0, `Welcome in. I'm ${hosts[0]}.`, 0);
    say(0, `And I'm ${hosts[1]}. Today we've got ${count}: ${preview}.`, 1);
    if (hosts[2]) say(0, `I'm ${hosts[2]}, glad to be here.`, 2);
    if (hosts[3]) say(0, `And I'm ${hosts[3]}. Let's dive in.`, 3);
  }

  // One chapter per source. The next turn goes to the host with the least material so far; a question
  // comes from the one with the most, so with three or four hosts everyone gets a share.
  let handoff = Math.floor(rand() * 3);
  segments.forEach((segment, i) => {
    const chapter = i + 1;
    const pattern =
      segments.length === 1
        ? transition.only()
        : i === 0
          ? transition.first()
          : i === segments.length - 1
            ? transition.last()
            : transition.middle();
    const intro = pattern.replace('{t}', () => segment.spokenTitle); // a function: titles may hold $ patterns
    const chunks = turns(segment.sentences);
    say(chapter, chunks.length > 0 ? `${intro} ${chunks[0]}` : intro, solo ? 0 : pick(last, 'least'));
    for (const chunk of chunks.slice(1)) {
      if (solo) say(chapter, withOpener(soloConnective(), chunk), 0);
      else if (handoff++ % 3 === 2) {
        say(chapter, question(), pick(last, 'most'));
        say(chapter, withOpener(answerOpener(), chunk), pick(last, 'least'));
      } else say(chapter, withOpener(reaction(), chunk), pick(last, 'least'));
    }
  });

  // Closing chapter.
  const closing = segments.length + 1;
  const shortNote = input.shortfall
    ? ' Our sources ran short today, so this one is shorter than planned.'
    : '';
  if (solo) {
    say(
      closing,
      `That's our look at ${preview}.${shortNote} Thanks for listening, and see you next time.`,
      0,
    );
  } else {
    say(closing, `That's our look at ${preview}.${shortNote}`, next());
    say(closing, 'Thanks for listening, everyone. See you next time.', next());
  }

  return {
    chapters: [{ title: 'Introduction' }, ...segments.map((s) => ({ title: s.title })), { title: 'Wrap-up' }],
    lines,
  };
}

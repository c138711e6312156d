import { z } from 'zod';
import { type PublishedStore, readPublished } from '../published';
import { primaryLanguage, speechRate } from './speech-rate';

/**
 * How long a script takes to say, before it is voiced: what the offline writer fits to and the LLM
 * writers' length check holds. Word counts alone miss by up to ±15 % between texts (espeak said
 * zlib's prose at 182 words a minute and Congress summaries, dense with numbers, at 133), so the
 * estimate counts what takes time to say: letters, digits (a year is four spoken words), and the
 * pauses at phrase and sentence ends.
 */

// Seconds each costs at the reference pace, espeak-ng at 170 wpm: least squares over 121 lines of
// four real sources (Wikipedia, the V8 blog, zlib's usage page, Congress summaries), each source's
// total within ±4 % of what espeak took.
const SECONDS_PER_LETTER = 0.0638;
const SECONDS_PER_DIGIT = 0.332;
const SECONDS_PER_PHRASE_BREAK = 0.2;
const SECONDS_PER_SENTENCE_END = 0.381;

/** Silence the assembly puts between two lines (s). */
export const LINE_GAP_SEC = 0.35;

/** How fast a script is spoken (1: the reference pace, 1.25 a quarter faster), and the silence between lines. */
export interface SpeechPace {
  speed: number;
  lineGapSec: number;
}

/** The estimate's own pace, used before any audio worker has published one. */
export const REFERENCE_PACE: SpeechPace = { speed: 1, lineGapSec: LINE_GAP_SEC };

const speedSchema = z.number().positive().max(10);

/**
 * What the audio workers publish: their engine's nominal speed as one starts, and per language
 * (primary subtag) what voiced episodes measured, since the estimate fits each language
 * differently (German's long words are said faster a letter than English's).
 */
export const fleetPaceSchema = z.object({
  engine: z.string().min(1),
  speed: speedSchema,
  measured: z.record(z.string(), z.object({ speed: speedSchema, samples: z.number().int().min(1) })),
});
export type FleetPace = z.infer<typeof fleetPaceSchema>;

/** The pace a script in `language` is written to: what that language measured, else the nominal speed. */
export function paceFor(fleet: FleetPace | null, language: string): SpeechPace & { samples: number } {
  if (!fleet) return { ...REFERENCE_PACE, samples: 0 };
  const measured = fleet.measured[primaryLanguage(language)];
  return {
    speed: measured?.speed ?? fleet.speed,
    lineGapSec: LINE_GAP_SEC,
    samples: measured?.samples ?? 0,
  };
}

/** Seconds one line takes to say at `speed` (gaps between lines not included). */
export function spokenSeconds(text: string, language: string, speed = 1): number {
  const rate = speechRate(language);
  if (rate.unit === 'characters') {
    // Chinese and Japanese: a character is a syllable or more, at the language's typical rate.
    const characters = [...text].filter((c) => /[\p{L}\p{N}]/u.test(c)).length;
    return (characters * 60) / rate.perMinute / speed;
  }
  const letters = text.match(/\p{L}/gu)?.length ?? 0;
  const digits = text.match(/\p{N}/gu)?.length ?? 0;
  const phraseBreaks = text.match(/[,;:()\u2013\u2014]|\s-\s/g)?.length ?? 0;
  const sentenceEnds = text.match(/[.!?\u2026]+(?=\s|$)/g)?.length ?? 0;
  return (
    (letters * SECONDS_PER_LETTER +
      digits * SECONDS_PER_DIGIT +
      phraseBreaks * SECONDS_PER_PHRASE_BREAK +
      sentenceEnds * SECONDS_PER_SENTENCE_END) /
    speed
  );
}

/** Seconds the lines take as an episode at `pace`: each line, and a gap between two. */
export function scriptSeconds(
  lines: readonly { text: string }[],
  language: string,
  pace: SpeechPace = REFERENCE_PACE,
): number {
  const speech = lines.reduce((sum, line) => sum + spokenSeconds(line.text, language, pace.speed), 0);
  return speech + Math.max(0, lines.length - 1) * pace.lineGapSec;
}

export const fleetPaceKey = (prefix: string) => `${prefix}:tts:pace`;

/** The published pace; null before any audio worker has published (or when it is unreadable). */
export async function readFleetPace(store: PublishedStore, prefix: string): Promise<FleetPace | null> {
  return readPublished(store, fleetPaceKey(prefix), fleetPaceSchema);
}

const save = (store: PublishedStore, prefix: string, pace: FleetPace) =>
  store.set(fleetPaceKey(prefix), JSON.stringify(fleetPaceSchema.parse(pace)));

/**
 * An audio worker starting: its engine's nominal pace. The same engine's measurements are kept
 * (a restart keeps what was learned); another engine, server or model starts over.
 */
export async function publishNominalPace(
  store: PublishedStore,
  prefix: string,
  nominal: { engine: string; speed: number },
): Promise<void> {
  const current = await readFleetPace(store, prefix);
  await save(store, prefix, {
    ...nominal,
    measured: current?.engine === nominal.engine ? current.measured : {},
  });
}

/** An episode shorter than this says too little about the engine's pace to count. */
const MIN_MEASURED_SPEECH_SEC = 20;
/** The newest episode's weight once there are enough: recent voices and settings count most. */
const NEWEST_WEIGHT = 0.2;

/**
 * Folds one voiced episode into the published pace of its language: `speechSec` is the voices' own
 * time (gaps not included), against the estimate at the reference pace. The first episodes are
 * averaged, later ones weigh 20 %. Two workers finishing at once may drop one sample: an average,
 * not a ledger. Returns the language's new pace (null when the episode is too short to count).
 */
export async function recordMeasuredPace(
  store: PublishedStore,
  prefix: string,
  episode: {
    engine: string;
    lines: readonly { text: string }[];
    language: string;
    speechSec: number;
  },
): Promise<{ speed: number; samples: number } | null> {
  if (episode.speechSec < MIN_MEASURED_SPEECH_SEC) return null;
  const estimated = episode.lines.reduce((sum, l) => sum + spokenSeconds(l.text, episode.language), 0);
  // Bounded: a clip of silence or a runaway engine must not teach the writers a wild pace.
  const observed = Math.min(4, Math.max(0.25, estimated / episode.speechSec));
  const current = await readFleetPace(store, prefix);
  const fleet: FleetPace =
    current?.engine === episode.engine
      ? current
      : // No nominal pace published for this engine: other languages keep the reference speed.
        { engine: episode.engine, speed: REFERENCE_PACE.speed, measured: {} };
  const language = primaryLanguage(episode.language);
  const previous = fleet.measured[language];
  const samples = (previous?.samples ?? 0) + 1;
  const weight = Math.max(NEWEST_WEIGHT, 1 / samples);
  const speed = previous ? previous.speed * (1 - weight) + observed * weight : observed;
  const next = { speed: Math.round(speed * 1000) / 1000, samples };
  await save(store, prefix, { ...fleet, measured: { ...fleet.measured, [language]: next } });
  return next;
}

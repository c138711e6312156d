import {
  FEATURES,
  type FeatureName,
  HOOK_WEIGHTS,
  hookWeightOf,
  mayEndAt,
  mayStartAt,
  type TimedSegment,
  type WeightName,
  type Weights,
  type WindowContext,
  type WindowFeatures,
  windowFeatures,
} from './features';
import { type ClipRequest, lengthBounds } from './presets';
import { contentWords, firstSentence } from './text';
import { DEFAULT_WEIGHTS } from './weights';

/** Lines further apart than this are not one stretch of speech (a clip never spans the gap). */
const MAX_GAP_SEC = 2;
const TITLE_MAX_CHARS = 80;

export type Confidence = 'high' | 'medium' | 'low';

export interface ClipFeatureExplanation {
  value: number;
  weight: number;
  /** weight × value, the feature's share of the score before dividing by the weights' total. */
  contribution: number;
}

export interface SelectedClip {
  startSec: number;
  endSec: number;
  durationSec: number;
  /** Index of the first and last transcript segment the clip holds. */
  segments: { from: number; to: number };
  text: string;
  title: string;
  score: number;
  confidence: Confidence;
  /** Each feature's value, weight and contribution; `hook` names the opening's kind. */
  features: {
    hook: { kind: WindowFeatures['hook']; value: number; weight: number; contribution: number };
  } & Record<FeatureName, ClipFeatureExplanation>;
  /** The measured values, kept so feedback on the clip can teach the user's weights. */
  measured: WindowFeatures;
}

export class ClipSelectionError extends Error {
  constructor(
    readonly code: 'EPISODE_TOO_SHORT',
    message: string,
  ) {
    super(message);
    this.name = 'ClipSelectionError';
  }
}

export interface SelectClipsInput {
  segments: readonly TimedSegment[];
  /** What the episode is about: its title, description and chapter titles. */
  topic: string;
  request: Pick<ClipRequest, 'platform' | 'count' | 'minSec' | 'maxSec'>;
  /** Loudness per segment (same order as `segments`), from the episode's audio. */
  energyDb?: readonly (number | null)[];
  weights?: Weights;
}

const usable = (s: TimedSegment) =>
  s.text.trim().length > 0 && Number.isFinite(s.start) && Number.isFinite(s.end) && s.end > s.start;

/** Runs of consecutive usable lines, [first, last] inclusive; an untimed line with words breaks a run. */
function speechRuns(segments: readonly TimedSegment[]): Array<[number, number]> {
  const runs: Array<[number, number]> = [];
  let start = -1;
  let lastUsable = -1;
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i] as TimedSegment;
    if (!usable(segment)) {
      // Empty lines are skipped; words without timings are speech we cannot place.
      if (segment.text.trim().length > 0 && start >= 0) {
        runs.push([start, lastUsable]);
        start = -1;
      }
      continue;
    }
    const previous = segments[lastUsable];
    if (start >= 0 && previous && segment.start - previous.end > MAX_GAP_SEC) {
      runs.push([start, lastUsable]);
      start = -1;
    }
    if (start < 0) start = i;
    lastUsable = i;
  }
  if (start >= 0) runs.push([start, lastUsable]);
  return runs;
}

function titleOf(text: string): string {
  const sentence = firstSentence(text);
  return sentence.length <= TITLE_MAX_CHARS
    ? sentence
    : `${sentence.slice(0, TITLE_MAX_CHARS - 1).trimEnd()}…`;
}

const confidenceOf = (score: number): Confidence => (score >= 0.7 ? 'high' : score >= 0.5 ? 'medium' : 'low');

function scoreWindow(features: WindowFeatures, weights: Weights): Pick<SelectedClip, 'score' | 'features'> {
  const hookWeight = features.hook ? weights[hookWeightOf[features.hook]] : 0;
  // The hook's share is out of the largest hook weight, so a window without a hook loses it.
  const hookScale = Math.max(...HOOK_WEIGHTS.map((name) => weights[name]));
  let total = hookScale;
  let sum = features.hook ? hookWeight : 0;
  const explained = {} as Record<FeatureName, ClipFeatureExplanation>;
  for (const name of FEATURES) {
    const value = features.values[name];
    const weight = weights[name as WeightName];
    explained[name] = { value: round(value), weight: round(weight), contribution: round(weight * value) };
    total += weight;
    sum += weight * value;
  }
  return {
    score: round(sum / total),
    features: {
      hook: {
        kind: features.hook,
        value: features.hook ? 1 : 0,
        weight: round(hookWeight),
        contribution: round(hookWeight),
      },
      ...explained,
    },
  };
}

const round = (x: number) => Math.round(x * 1000) / 1000;

/**
 * The best non-overlapping clips of an episode, best first: windows of whole lines that start
 * after a line ending a sentence and end on one, within the request's length bounds, scored on
 * their hook and features (docs/clips.md). Fewer than `count` when no more fit; none at all is a
 * ClipSelectionError saying how much speech there is.
 */
export function selectClips(input: SelectClipsInput): SelectedClip[] {
  const { segments, request } = input;
  const bounds = lengthBounds(request);
  const weights = input.weights ?? DEFAULT_WEIGHTS;
  const levels = (input.energyDb ?? []).filter((db): db is number => typeof db === 'number');
  const ctx: WindowContext = {
    segments,
    energyDb: input.energyDb,
    energyRange: levels.length ? { min: Math.min(...levels), max: Math.max(...levels) } : undefined,
    topicWords: contentWords(input.topic),
    bounds,
  };

  const candidates: Array<{ from: number; to: number; features: WindowFeatures }> = [];
  let longestRunSec = 0;
  for (const [runStart, runEnd] of speechRuns(segments)) {
    const runFirst = segments[runStart] as TimedSegment;
    longestRunSec = Math.max(longestRunSec, (segments[runEnd] as TimedSegment).end - runFirst.start);
    for (let from = runStart; from <= runEnd; from++) {
      if (!usable(segments[from] as TimedSegment) || !mayStartAt(segments, from, runStart)) continue;
      const start = (segments[from] as TimedSegment).start;
      for (let to = from; to <= runEnd; to++) {
        const last = segments[to] as TimedSegment;
        if (!usable(last)) continue;
        const duration = last.end - start;
        if (duration > bounds.maxSec) break;
        if (duration >= bounds.minSec && mayEndAt(segments, to))
          candidates.push({ from, to, features: windowFeatures(ctx, from, to) });
      }
    }
  }
  if (candidates.length === 0) {
    throw new ClipSelectionError(
      'EPISODE_TOO_SHORT',
      `no clip of ${bounds.minSec}–${bounds.maxSec} s fits this episode: its longest stretch of timed speech ending on a sentence is ${round(longestRunSec)} s`,
    );
  }

  // Topic closeness is relative: the window closest to the episode's topic scores 1.
  const bestTopic = Math.max(...candidates.map((c) => c.features.values.topic));
  for (const c of candidates)
    c.features.values.topic = bestTopic > 0 ? c.features.values.topic / bestTopic : 0;

  const scored = candidates
    .map((c) => ({ from: c.from, to: c.to, measured: c.features, ...scoreWindow(c.features, weights) }))
    .sort((a, b) => b.score - a.score || (segments[a.from]?.start ?? 0) - (segments[b.from]?.start ?? 0));

  const chosen: SelectedClip[] = [];
  for (const c of scored) {
    if (chosen.length >= request.count) break;
    const startSec = (segments[c.from] as TimedSegment).start;
    const endSec = (segments[c.to] as TimedSegment).end;
    if (chosen.some((o) => startSec < o.endSec && o.startSec < endSec)) continue;
    const text = segments
      .slice(c.from, c.to + 1)
      .filter(usable)
      .map((s) => s.text.trim())
      .join(' ');
    chosen.push({
      startSec,
      endSec,
      durationSec: round(endSec - startSec),
      segments: { from: c.from, to: c.to },
      text,
      title: titleOf(text),
      score: c.score,
      confidence: confidenceOf(c.score),
      features: c.features,
      measured: c.measured,
    });
  }
  return chosen;
}

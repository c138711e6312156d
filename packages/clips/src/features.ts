import { contentWords, endsSentence, type HookKind, hookKind, similarity, startsMidThought } from './text';

/** What a clip is scored on besides its hook, each 0–1 (see docs/clips.md for the rules). */
export const FEATURES = ['completeThought', 'speakerTurns', 'energy', 'topic', 'lengthFit'] as const;
export type FeatureName = (typeof FEATURES)[number];
export const HOOK_WEIGHTS = ['hookQuestion', 'hookNumber', 'hookClaim'] as const;
export type HookWeightName = (typeof HOOK_WEIGHTS)[number];
export type WeightName = FeatureName | HookWeightName;
export type Weights = Readonly<Record<WeightName, number>>;

export const hookWeightOf: Readonly<Record<HookKind, HookWeightName>> = {
  question: 'hookQuestion',
  number: 'hookNumber',
  claim: 'hookClaim',
};

/** A timed line of the transcript, as the audio stage publishes it. */
export interface TimedSegment {
  speaker: string;
  text: string;
  start: number;
  end: number;
}

/** The measured side of a window: its hook and its feature values. */
export interface WindowFeatures {
  hook: HookKind | null;
  values: Record<FeatureName, number>;
}

export interface WindowContext {
  segments: readonly TimedSegment[];
  /** Loudness per segment (dB, any reference), when the audio was measured; else energy is neutral. */
  energyDb?: readonly (number | null)[];
  energyRange?: { min: number; max: number };
  topicWords: string[];
  bounds: { minSec: number; maxSec: number; targetSec: number };
}

/** Speaker changes: none is a monologue, one to four a conversation, more gets choppy. */
export function turnsValue(turns: number): number {
  if (turns === 0) return 0.4;
  if (turns <= 4) return 1;
  return Math.max(0.4, 1 - 0.15 * (turns - 4));
}

/** Features of the window of segments `from`…`to` (inclusive); topic is raw cosine here. */
export function windowFeatures(ctx: WindowContext, from: number, to: number): WindowFeatures {
  const window = ctx.segments.slice(from, to + 1);
  const first = window[0] as TimedSegment;
  const last = window[window.length - 1] as TimedSegment;
  const duration = last.end - first.start;

  let turns = 0;
  for (let i = 1; i < window.length; i++) if (window[i]?.speaker !== window[i - 1]?.speaker) turns++;

  const endsOnQuestion = last.text.trim().endsWith('?');
  const completeThought = startsMidThought(first.text) ? 0 : endsOnQuestion ? 0.5 : 1;

  let energy = 0.5;
  const levels = ctx.energyDb?.slice(from, to + 1).filter((db): db is number => typeof db === 'number');
  if (levels?.length && ctx.energyRange && ctx.energyRange.max > ctx.energyRange.min) {
    const mean = levels.reduce((a, b) => a + b, 0) / levels.length;
    energy = (mean - ctx.energyRange.min) / (ctx.energyRange.max - ctx.energyRange.min);
  }

  const { minSec, maxSec, targetSec } = ctx.bounds;
  const spread = Math.max(targetSec - minSec, maxSec - targetSec, 1);
  const lengthFit = Math.max(0, 1 - Math.abs(duration - targetSec) / spread);

  const topic = similarity(contentWords(window.map((s) => s.text).join(' ')), ctx.topicWords);
  return {
    hook: hookKind(first.text),
    values: { completeThought, speakerTurns: turnsValue(turns), energy, topic, lengthFit },
  };
}

/** Whether a window may start at segment `i`: the last spoken line before it (if any in its run) ended a sentence. */
export function mayStartAt(segments: readonly TimedSegment[], i: number, runStart: number): boolean {
  for (let p = i - 1; p >= runStart; p--) {
    const text = segments[p]?.text.trim() ?? '';
    if (text.length > 0) return endsSentence(text);
  }
  return true;
}

export const mayEndAt = (segments: readonly TimedSegment[], i: number) =>
  endsSentence(segments[i]?.text ?? '');

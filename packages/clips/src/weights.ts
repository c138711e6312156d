import { FEATURES, hookWeightOf, type WeightName, type Weights, type WindowFeatures } from './features';

/** The starting weights, before any feedback: a question hook and a complete thought count most. */
export const DEFAULT_WEIGHTS: Weights = {
  hookQuestion: 1.5,
  hookNumber: 1,
  hookClaim: 1,
  completeThought: 1.5,
  speakerTurns: 1,
  energy: 0.75,
  topic: 1.25,
  lengthFit: 0.75,
};

/** How far one piece of feedback moves a weight, and how far weights may drift from the defaults. */
export const LEARNING_RATE = 0.2;
export const WEIGHT_RANGE = { min: 0.25, max: 4 } as const;

export type FeedbackType = 'like' | 'dislike' | 'rating' | 'report' | 'comment';

/** +1 for a like or a 4–5 rating, −1 for a dislike or a 1–2 rating; anything else teaches nothing. */
export function feedbackSignal(type: FeedbackType, rating?: number | null): 1 | -1 | 0 {
  if (type === 'like') return 1;
  if (type === 'dislike') return -1;
  if (type === 'rating' && typeof rating === 'number') return rating >= 4 ? 1 : rating <= 2 ? -1 : 0;
  return 0;
}

export interface ClipFeedback {
  /** The features of the clip the feedback is about, as they were when it was chosen. */
  features: WindowFeatures;
  signal: 1 | -1 | 0;
}

/**
 * A user's weights for one platform from their feedback on that platform's clips, oldest first.
 * Each signal `s` scales every feature weight by `1 + rate × s × (value − 0.5)`: a liked clip's
 * strong features gain weight and its weak ones lose it, a disliked clip's the other way round.
 * The hook weight of the clip's hook kind (if it had one) is scaled by `1 + rate × s × 0.5`.
 * Weights stay within ¼× and 4× of the defaults, so no run of feedback silences a feature.
 */
export function learnWeights(feedback: readonly ClipFeedback[], base: Weights = DEFAULT_WEIGHTS): Weights {
  const weights: Record<WeightName, number> = { ...base };
  const nudge = (name: WeightName, factor: number) => {
    const next = weights[name] * factor;
    weights[name] = Math.min(base[name] * WEIGHT_RANGE.max, Math.max(base[name] * WEIGHT_RANGE.min, next));
  };
  for (const { features, signal } of feedback) {
    if (signal === 0) continue;
    for (const name of FEATURES) nudge(name, 1 + LEARNING_RATE * signal * (features.values[name] - 0.5));
    if (features.hook) nudge(hookWeightOf[features.hook], 1 + LEARNING_RATE * signal * 0.5);
  }
  return weights;
}

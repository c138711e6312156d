import {
  type ClipFeedback,
  FEATURES,
  type FeatureName,
  type FeedbackType,
  feedbackSignal,
  type HookKind,
  learnWeights,
  type Platform,
  type Weights,
  type WindowFeatures,
} from '@podfleet/clips';
import type { PrismaClient } from '@podfleet/db';
import { z } from 'zod';

/**
 * How many of the user's clips (the latest they gave feedback on) teach their weights: bounds
 * what one clips job reads; feedback on older clips stops counting.
 */
const LEARNING_CLIPS = 500;

const HOOK_KINDS = ['question', 'number', 'claim'] as const satisfies readonly HookKind[];
const featureValue = z.object({ value: z.number().finite().min(0).max(1) });
const featureValues = Object.fromEntries(FEATURES.map((name) => [name, featureValue])) as Record<
  FeatureName,
  typeof featureValue
>;

/**
 * Clip.features: the explanation selectClips produced (each feature's value, weight and
 * contribution, and the hook's kind), read back as the measured WindowFeatures.
 */
const clipFeaturesSchema = z
  .object({ hook: z.object({ kind: z.enum(HOOK_KINDS).nullable() }), ...featureValues })
  .transform(
    (explained): WindowFeatures => ({
      hook: explained.hook.kind,
      values: Object.fromEntries(FEATURES.map((name) => [name, explained[name].value])) as Record<
        FeatureName,
        number
      >,
    }),
  );

interface LatestFeedback {
  type: FeedbackType;
  rating: number | null;
  features: unknown;
}

/**
 * A user's clip weights for one platform, learnt from their likes, dislikes and ratings of that
 * platform's clips (docs/clips.md "Feedback and learning"): each clip counts once, by the user's
 * latest like, dislike or rating of it (liking one clip ten times teaches no more than once), in
 * the order of that feedback, oldest first. A clip whose stored features do not parse is skipped.
 */
export async function learnedClipWeights(
  db: PrismaClient,
  userId: string,
  platform: Platform,
): Promise<Weights> {
  const rows = await db.$queryRaw<LatestFeedback[]>`
    SELECT type, rating, features FROM (
      SELECT DISTINCT ON (f.clip_id) f.id, f.type, f.rating, f.created_at, c.features
        FROM feedback f
        JOIN clips c ON c.id = f.clip_id
       WHERE f.user_id = ${userId} AND c.user_id = ${userId} AND c.platform = ${platform}
         AND f.type IN ('like', 'dislike', 'rating')
       ORDER BY f.clip_id, f.created_at DESC, f.id DESC
    ) latest
    ORDER BY created_at DESC, id DESC
    LIMIT ${LEARNING_CLIPS}`;
  const feedback: ClipFeedback[] = [];
  for (const row of rows.reverse()) {
    const features = clipFeaturesSchema.safeParse(row.features);
    if (features.success)
      feedback.push({ features: features.data, signal: feedbackSignal(row.type, row.rating) });
  }
  return learnWeights(feedback);
}

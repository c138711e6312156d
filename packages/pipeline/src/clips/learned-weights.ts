import { DEFAULT_WEIGHTS, type Platform, type Weights } from '@podfleet/clips';
import type { PrismaClient } from '@podfleet/db';

/**
 * The clip scorer's feature weights for one user on one platform, learned from their feedback
 * (docs/clips.md). Until feedback is wired in, every user gets the defaults.
 */
export async function learnedClipWeights(
  _db: PrismaClient,
  _userId: string,
  _platform: Platform,
): Promise<Weights> {
  return DEFAULT_WEIGHTS;
}

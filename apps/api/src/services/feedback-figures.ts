// The feedback figures of GET /v1/stats: likes, dislikes, reports, comments and ratings overall,
// on episodes, per clip platform and per clip feature. Definitions: docs/api.md "Feedback".
import { FEATURES, type FeatureName, type HookKind, PLATFORMS, type Platform } from '@podfleet/clips';
import { Prisma, type PrismaClient } from '@podfleet/db';
import type { z } from 'zod';
import type { feedbackStatsSchema } from '../schemas';

type FeedbackStats = z.infer<typeof feedbackStatsSchema>;
type FeedbackCounts = FeedbackStats['all'];

/** The hook weights and the kind of hook each counts. */
const HOOKS = {
  hookQuestion: 'question',
  hookNumber: 'number',
  hookClaim: 'claim',
} as const satisfies Record<string, HookKind>;
type FeatureKey = keyof typeof HOOKS | FeatureName;
const FEATURE_KEYS: FeatureKey[] = [...(Object.keys(HOOKS) as Array<keyof typeof HOOKS>), ...FEATURES];

/** A clip "has" a feature whose value is above this: a like raises that feature's weight. */
const STRONG_ABOVE = 0.5;

interface CountRow {
  key: string | null;
  likes: number;
  dislikes: number;
  reports: number;
  comments: number;
  ratings: number;
  ratingSum: number;
}

const counts = Prisma.sql`
  count(*) FILTER (WHERE f.type = 'like')::int AS likes,
  count(*) FILTER (WHERE f.type = 'dislike')::int AS dislikes,
  count(*) FILTER (WHERE f.type = 'report')::int AS reports,
  count(*) FILTER (WHERE f.type = 'comment')::int AS comments,
  count(f.rating) FILTER (WHERE f.type = 'rating')::int AS ratings,
  coalesce(sum(f.rating) FILTER (WHERE f.type = 'rating'), 0)::int AS "ratingSum"`;

const NONE: CountRow = {
  key: null,
  likes: 0,
  dislikes: 0,
  reports: 0,
  comments: 0,
  ratings: 0,
  ratingSum: 0,
};

const add = (a: CountRow, b: CountRow): CountRow => ({
  key: a.key,
  likes: a.likes + b.likes,
  dislikes: a.dislikes + b.dislikes,
  reports: a.reports + b.reports,
  comments: a.comments + b.comments,
  ratings: a.ratings + b.ratings,
  ratingSum: a.ratingSum + b.ratingSum,
});

const view = (row: CountRow = NONE): FeedbackCounts => ({
  likes: row.likes,
  dislikes: row.dislikes,
  reports: row.reports,
  comments: row.comments,
  ratings: {
    count: row.ratings,
    average: row.ratings > 0 ? Math.round((row.ratingSum / row.ratings) * 100) / 100 : null,
  },
});

/** Whether the clip `c` has the feature: its hook kind, or a numeric value above STRONG_ABOVE. */
function hasFeature(key: FeatureKey): Prisma.Sql {
  if (key in HOOKS) return Prisma.sql`c.features -> 'hook' ->> 'kind' = ${HOOKS[key as keyof typeof HOOKS]}`;
  const value = Prisma.sql`c.features -> ${key} -> 'value'`;
  return Prisma.sql`CASE WHEN jsonb_typeof(${value}) = 'number' THEN (${value})::text::float8 > ${STRONG_ABOVE} ELSE false END`;
}

/** The feedback given since `since`, added up (two grouped scans of the window's rows). */
export async function readFeedbackFigures(db: PrismaClient, since: Date): Promise<FeedbackStats> {
  const features = Prisma.join(
    FEATURE_KEYS.map((key) => Prisma.sql`(${key}::text, ${hasFeature(key)})`),
    ', ',
  );
  const [byPlatform, byFeature] = await Promise.all([
    db.$queryRaw<CountRow[]>`
      SELECT f.platform AS key, ${counts}
        FROM feedback f
       WHERE f.created_at >= ${since}
       GROUP BY f.platform`,
    db.$queryRaw<CountRow[]>`
      SELECT w.key, ${counts}
        FROM feedback f
        JOIN clips c ON c.id = f.clip_id
       CROSS JOIN LATERAL (VALUES ${features}) AS w(key, present)
       WHERE f.created_at >= ${since} AND w.present
       GROUP BY w.key`,
  ]);
  const platformRow = new Map(byPlatform.map((row) => [row.key, row]));
  const featureRow = new Map(byFeature.map((row) => [row.key, row]));
  return {
    since: since.toISOString(),
    all: view(byPlatform.reduce(add, NONE)),
    episodes: view(platformRow.get(null)),
    platforms: Object.fromEntries(PLATFORMS.map((p) => [p, view(platformRow.get(p))])) as Record<
      Platform,
      FeedbackCounts
    >,
    features: Object.fromEntries(FEATURE_KEYS.map((k) => [k, view(featureRow.get(k))])) as Record<
      FeatureKey,
      FeedbackCounts
    >,
  };
}

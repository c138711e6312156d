// How a user's feed presents their show: what they set (PodcastShow) over defaults that read well
// in a podcast app. Only what was set is stored, so improving a default reaches every user.
import { createHash } from 'node:crypto';
import type { PodcastShow, User } from '@podfleet/db';
import { v5 as uuidv5 } from 'uuid';
import { z } from 'zod';

/** Apple Podcasts' categories and their subcategories (Spotify and the Podcast Index use the same). */
export const PODCAST_CATEGORIES: Readonly<Record<string, readonly string[]>> = {
  Arts: ['Books', 'Design', 'Fashion & Beauty', 'Food', 'Performing Arts', 'Visual Arts'],
  Business: ['Careers', 'Entrepreneurship', 'Investing', 'Management', 'Marketing', 'Non-Profit'],
  Comedy: ['Comedy Interviews', 'Improv', 'Stand-Up'],
  Education: ['Courses', 'How To', 'Language Learning', 'Self-Improvement'],
  Fiction: ['Comedy Fiction', 'Drama', 'Science Fiction'],
  Government: [],
  History: [],
  'Health & Fitness': [
    'Alternative Health',
    'Fitness',
    'Medicine',
    'Mental Health',
    'Nutrition',
    'Sexuality',
  ],
  'Kids & Family': ['Education for Kids', 'Parenting', 'Pets & Animals', 'Stories for Kids'],
  Leisure: [
    'Animation & Manga',
    'Automotive',
    'Aviation',
    'Crafts',
    'Games',
    'Hobbies',
    'Home & Garden',
    'Video Games',
  ],
  Music: ['Music Commentary', 'Music History', 'Music Interviews'],
  News: [
    'Business News',
    'Daily News',
    'Entertainment News',
    'News Commentary',
    'Politics',
    'Sports News',
    'Tech News',
  ],
  'Religion & Spirituality': [
    'Buddhism',
    'Christianity',
    'Hinduism',
    'Islam',
    'Judaism',
    'Religion',
    'Spirituality',
  ],
  Science: [
    'Astronomy',
    'Chemistry',
    'Earth Sciences',
    'Life Sciences',
    'Mathematics',
    'Natural Sciences',
    'Nature',
    'Physics',
    'Social Sciences',
  ],
  'Society & Culture': ['Documentary', 'Personal Journals', 'Philosophy', 'Places & Travel', 'Relationships'],
  Sports: [
    'Baseball',
    'Basketball',
    'Cricket',
    'Fantasy Sports',
    'Football',
    'Golf',
    'Hockey',
    'Rugby',
    'Running',
    'Soccer',
    'Swimming',
    'Tennis',
    'Volleyball',
    'Wilderness',
    'Wrestling',
  ],
  Technology: [],
  'True Crime': [],
  'TV & Film': ['After Shows', 'Film History', 'Film Interviews', 'Film Reviews', 'TV Reviews'],
};

/** podfleet's episodes are spoken digests of the day's sources. */
const DEFAULT_CATEGORY = { category: 'News', subcategory: 'Daily News' } as const;
const DEFAULT_DESCRIPTION =
  'Two hosts talk through the sources you follow, in episodes made for you by podfleet.';
/** Generated covers take one of these unless the user picks a colour; chosen by user id. */
const COVER_PALETTE = [
  '#2f5d8a',
  '#7a3b69',
  '#1f7a6d',
  '#b5542c',
  '#4a4e9c',
  '#8a6d1f',
  '#2d6a35',
  '#a13d4b',
];
const LANGUAGE_TAG = /^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$/;
/** The Podcast Index's namespace for podcast:guid (UUIDv5). */
const PODCAST_GUID_NAMESPACE = 'ead4c236-bf58-58c6-a2c6-a6b28d128cb6';

export interface ShowSettings {
  title: string;
  description: string;
  author: string;
  /** Published as itunes:owner's e-mail only when set. */
  ownerEmail: string | null;
  language: string;
  category: string;
  subcategory: string | null;
  explicit: boolean;
  color: string;
  /** podcast:guid: stable for the life of the user, whatever the feed URL becomes. */
  guid: string;
}

/**
 * The show's podcast:guid. The Podcast Index derives it from the feed URL, but a podfleet feed URL
 * changes when its token is rotated while the show stays the same, so it is derived from the user.
 */
export const podcastGuid = (userId: string) => uuidv5(`podfleet:user:${userId}`, PODCAST_GUID_NAMESPACE);

const styleLanguage = (style: unknown): string | null => {
  const language = (style as { language?: unknown } | null)?.language;
  return typeof language === 'string' && LANGUAGE_TAG.test(language) ? language : null;
};

/** What the feed shows: the user's settings, defaults for the rest. */
export function resolveShow(
  user: Pick<User, 'id' | 'name' | 'style'>,
  show: PodcastShow | null,
): ShowSettings {
  const author = show?.author ?? user.name ?? 'podfleet';
  const palette = createHash('sha256').update(user.id).digest()[0] ?? 0;
  return {
    title: show?.title ?? (user.name ? `${user.name}'s podfleet` : 'My podfleet'),
    description: show?.description ?? DEFAULT_DESCRIPTION,
    author,
    ownerEmail: show?.ownerEmail ?? null,
    language: show?.language ?? styleLanguage(user.style) ?? 'en',
    ...(show?.category ? { category: show.category, subcategory: show.subcategory } : DEFAULT_CATEGORY),
    explicit: show?.explicit ?? false,
    color: show?.color ?? COVER_PALETTE[palette % COVER_PALETTE.length] ?? '#2f5d8a',
    guid: podcastGuid(user.id),
  };
}

const nullableText = (max: number) => z.string().trim().min(1).max(max).nullable().optional();

/** PATCH /v1/me/podcast: null puts a setting back to its default. */
export const showUpdateSchema = z
  .object({
    title: nullableText(200),
    description: nullableText(4000),
    author: nullableText(200),
    ownerEmail: z.email().max(320).nullable().optional(),
    language: z
      .string()
      .regex(LANGUAGE_TAG, 'expected a BCP 47 language tag such as en or pt-BR')
      .nullable()
      .optional(),
    category: z
      .enum(Object.keys(PODCAST_CATEGORIES) as [string, ...string[]])
      .nullable()
      .optional(),
    subcategory: z.string().nullable().optional(),
    explicit: z.boolean().optional(),
    color: z
      .string()
      .regex(/^#[0-9a-fA-F]{6}$/, 'expected a colour as #rrggbb')
      .transform((c) => c.toLowerCase())
      .nullable()
      .optional(),
  })
  .strict()
  .superRefine((body, ctx) => {
    if (body.subcategory == null) return;
    const allowed = body.category ? PODCAST_CATEGORIES[body.category] : undefined;
    if (!allowed) {
      ctx.addIssue({ code: 'custom', path: ['subcategory'], message: 'name its category with it' });
    } else if (!allowed.includes(body.subcategory)) {
      ctx.addIssue({
        code: 'custom',
        path: ['subcategory'],
        message: `${body.category} has ${allowed.length > 0 ? `these subcategories: ${allowed.join(', ')}` : 'no subcategories'}`,
      });
    }
  });
export type ShowUpdate = z.infer<typeof showUpdateSchema>;

/** The settings columns of PodcastShow (the rest is the cover's). */
export type ShowSettingsColumns = Partial<
  Pick<
    PodcastShow,
    | 'title'
    | 'description'
    | 'author'
    | 'ownerEmail'
    | 'language'
    | 'category'
    | 'subcategory'
    | 'explicit'
    | 'color'
  >
>;

/** The columns a validated update writes; a new category without a subcategory clears the old one. */
export function showUpdateData(update: ShowUpdate): ShowSettingsColumns {
  const data: ShowSettingsColumns = {};
  for (const key of ['title', 'description', 'author', 'ownerEmail', 'language', 'color'] as const) {
    if (update[key] !== undefined) data[key] = update[key];
  }
  if (update.category !== undefined) {
    data.category = update.category;
    data.subcategory = update.category === null ? null : (update.subcategory ?? null);
  }
  if (update.explicit !== undefined) data.explicit = update.explicit;
  return data;
}

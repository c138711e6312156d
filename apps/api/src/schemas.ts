// Request and response shapes of the HTTP API. Request schemas validate input; response schemas
// document what handlers send (the views in @podfleet/pipeline and services/views.ts) and feed
// the OpenAPI document, so the docs and the code share one definition.
import { extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import { FEATURES, HOOK_WEIGHTS, PLATFORMS } from '@podfleet/clips';
import { isValidTimeZone } from '@podfleet/pipeline';
import { sourceSpecSchema, stylePatchSchema } from '@podfleet/providers';
import { z } from 'zod';
import { pageQuerySchema } from './http/pagination';

extendZodWithOpenApi(z);

/** `schema` with its description in the OpenAPI document. */
const described = <T extends z.ZodType>(schema: T, description: string): T => schema.openapi({ description });
/** An object schema under its name in the OpenAPI document's components. */
const component = <Shape extends z.ZodRawShape>(name: string, shape: Shape) => z.object(shape).openapi(name);

const isoDate = z.iso.datetime();
const integer = z.number().int();
const numberOrNull = z.number().nullable();
const webhookUrl = z.url({ protocol: /^https?$/ }).max(2048);
const timezone = z
  .string()
  .min(1)
  .max(64)
  .refine((tz) => isValidTimeZone(tz), { message: 'not an IANA time zone (e.g. Europe/Paris)' });

const pregenerateTier = described(
  z.enum(['full', 'partial', 'none']),
  'What the nightly run prepares of the daily/weekly episode: all of it, the script only (audio is made on request), or nothing',
);
const storageQuotaBytes = described(
  z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).nullable(),
  "Bytes the user's episodes may take: 0 unlimited, null the fleet default (USER_STORAGE_QUOTA_BYTES)",
);

// ---- requests ----

export const createUserBodySchema = z
  .object({
    email: z.email().max(320),
    name: z.string().min(1).max(200).optional(),
    timezone: timezone.optional(),
    dailyEnabled: z.boolean().optional(),
    weeklyEnabled: z.boolean().optional(),
    sources: z.array(sourceSpecSchema).max(20).optional(),
    style: stylePatchSchema.optional(),
    webhookUrl: webhookUrl.optional(),
    pregenerateTier: pregenerateTier.optional(),
    storageQuotaBytes: storageQuotaBytes.optional(),
  })
  .strict()
  .openapi('CreateUserRequest');

const highPriorityPerDay = described(
  z.number().int().min(0).max(10_000),
  'Episode requests with priority "high" the user may make per UTC day; 0 (the default): none, such a request answers 403',
);

/** What only operators decide for a user: how much is pre-generated, how much may be stored, who may jump the queue. */
export const updateUserBodySchema = z
  .object({
    pregenerateTier: pregenerateTier.optional(),
    storageQuotaBytes: storageQuotaBytes.optional(),
    highPriorityPerDay: highPriorityPerDay.optional(),
  })
  .strict()
  .openapi('UpdateUserRequest');

export const updateMeBodySchema = z
  .object({
    name: z.string().min(1).max(200).nullable().optional(),
    timezone: timezone.optional(),
    dailyEnabled: z.boolean().optional(),
    weeklyEnabled: z.boolean().optional(),
    sources: z.array(sourceSpecSchema).max(20).optional(),
    style: stylePatchSchema.nullable().optional(),
    webhookUrl: webhookUrl.nullable().optional(),
  })
  .strict()
  .openapi('UpdateMeRequest');

/** `GET /v1/users`: newest first, `q` matching part of the e-mail. */
export const usersQuerySchema = pageQuerySchema.extend({
  q: described(z.string().min(1).max(320).optional(), 'Part of the e-mail, any case'),
});

export const createKeyBodySchema = z
  .object({ name: z.string().min(1).max(100).optional() })
  .strict()
  .openapi('CreateKeyRequest');

export const idempotencyKeySchema = z
  .string()
  .regex(/^[\x21-\x7e]{1,255}$/, 'expected 1-255 visible ASCII characters');

/** `GET /metrics?name=…`: only the named metrics (repeat `name` for several). */
export const metricsQuerySchema = z.object({
  name: described(
    z
      .union([z.string().min(1), z.array(z.string().min(1)).max(50)])
      .optional()
      .transform((name) => (name === undefined ? [] : [name].flat())),
    'Only these metrics (repeatable), e.g. podfleet_http_request_duration_seconds: a read that skips the collectors that query PostgreSQL and Redis',
  ),
});

// ---- responses ----

export const problemSchema = component('Problem', {
  type: z.string(),
  title: z.string(),
  status: integer,
  detail: z.string(),
  instance: z.string().optional(),
  requestId: z.string().optional(),
  errors: z
    .array(z.object({ path: z.string(), message: z.string(), code: z.string().optional() }))
    .optional(),
});

export const userSchema = component('User', {
  id: z.string(),
  email: z.string(),
  name: z.string().nullable(),
  timezone: z.string(),
  dailyEnabled: z.boolean(),
  weeklyEnabled: z.boolean(),
  pregenerateTier: z.enum(['full', 'partial', 'none']),
  storageQuotaBytes: described(
    storageQuotaBytes,
    'Your own storage limit in bytes: 0 unlimited, null the fleet default',
  ),
  highPriorityPerDay,
  sources: z.array(z.unknown()),
  style: z.record(z.string(), z.unknown()).nullable(),
  webhookUrl: z.string().nullable(),
  episodesGenerated: integer,
  listens: integer,
  createdAt: isoDate,
});

export const apiKeySchema = component('ApiKey', {
  id: z.string(),
  name: z.string().nullable(),
  prefix: described(z.string(), 'First characters of the key, to tell keys apart'),
  createdAt: isoDate,
  lastUsedAt: isoDate.nullable(),
});

export const createdKeySchema = component('CreatedKey', {
  apiKey: described(z.string(), 'The key itself (pf_…). Shown once; only its hash is stored.'),
  key: apiKeySchema,
});

export const createdUserSchema = createdKeySchema.extend({ user: userSchema }).openapi('CreatedUser');

export const adminUserSchema = component('AdminUser', {
  user: userSchema,
  storage: z.object({
    usedBytes: described(integer, "Bytes of the user's stored episodes"),
    quotaBytes: described(integer, 'The limit in force: their own or the default; 0 unlimited'),
    exceeded: described(z.boolean(), 'New episodes are refused (409) until older ones expire'),
  }),
});

export const meSchema = component('Me', {
  user: userSchema,
  feedUrl: described(z.string(), 'Private podcast feed; rotate it with POST /v1/me/feed-token'),
  webhookSecret: described(z.string(), 'Verifies X-Podfleet-Signature of your webhook deliveries'),
});

export const podcastShowSchema = component('PodcastShow', {
  title: z.string(),
  description: z.string(),
  author: described(z.string(), 'itunes:author, and the name of itunes:owner'),
  ownerEmail: described(
    z.string().nullable(),
    'itunes:owner e-mail and podcast:locked owner; null: none published',
  ),
  language: z.string(),
  category: described(z.string(), 'Apple Podcasts category (itunes:category)'),
  subcategory: z.string().nullable(),
  explicit: z.boolean(),
  color: described(z.string(), 'Background of the generated cover, #rrggbb'),
  guid: described(z.string(), 'podcast:guid (UUIDv5), the same for the life of the show'),
  cover: z.object({
    url: described(z.string(), 'The cover as the feed links it; changes with the image'),
    mimeType: z.enum(['image/png', 'image/jpeg']),
    uploaded: described(z.boolean(), 'false: drawn from the title and colour'),
  }),
  feedUrl: z.string(),
});

/** What a job makes: an episode (daily, weekly, custom), promo clips, or an episode from an upload. */
const jobTypeSchema = z.enum(['daily', 'weekly', 'custom', 'clips', 'upload']);

/** A job's stages: an episode's scrape, script, audio, upload; a clips job's clips. */
const stageSchema = z.enum(['scrape', 'script', 'audio', 'upload', 'clips']);

export const jobSchema = component('Job', {
  id: z.string(),
  type: jobTypeSchema,
  status: z.enum(['queued', 'running', 'completed', 'failed', 'cancelled']),
  phase: stageSchema.nullable(),
  progress: z.number().int().min(0).max(100),
  currentStep: z.string().nullable(),
  attempts: integer,
  maxAttempts: integer,
  priority: z.enum(['high', 'normal', 'low']),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  episodeId: z.string().nullable(),
  costUsd: z.number(),
  wordCount: z.number().int().nullable(),
  providers: z.object({
    script: z.string().optional(),
    tts: z.string().optional(),
    transcript: described(
      z.string().optional(),
      'Upload jobs: where the transcript came from (uploaded, none)',
    ),
  }),
  pregenerated: z.boolean(),
  createdAt: isoDate,
  startedAt: isoDate.nullable(),
  completedAt: isoDate.nullable(),
});

export const adminJobSchema = jobSchema
  .extend({
    userId: z.string(),
    userEmail: z.string(),
    historyUrl: described(z.string(), 'GET it for the events, stage attempts and webhook deliveries'),
  })
  .openapi('AdminJob');

const errorSchema = z.object({ code: z.string(), message: z.string() });

/** `GET /v1/admin/failures`: the window in hours (default 24, at most 30 days) and how many groups. */
export const failuresQuerySchema = z.object({
  hours: z.coerce.number().int().min(1).max(720).default(24),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

export const failuresSchema = component('Failures', {
  since: isoDate,
  items: z.array(
    z.object({
      stage: z.string(),
      code: z.string(),
      provider: described(
        z.string().nullable(),
        'Script writer, TTS engine or storage driver; for scrape the kinds of the sources',
      ),
      attempts: described(integer, 'Failed stage attempts in the window'),
      jobs: integer,
      jobsFailed: described(integer, 'Of those jobs, how many ended failed with this code'),
      lastAt: isoDate,
      example: z.object({ jobId: z.string(), message: z.string(), historyUrl: z.string() }),
    }),
  ),
});

/** `GET /v1/stats?days=`: how many UTC days of history, today included (default 30). */
export const statsQuerySchema = z.object({
  days: z.coerce.number().int().min(1).max(400).default(30),
});

/** `GET /v1/admin/active-jobs`: how many, oldest first. */
export const activeJobsQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

export const activeJobsSchema = component('ActiveJobs', {
  total: described(integer, 'Jobs queued or running now'),
  items: z.array(
    z.object({
      jobId: z.string(),
      userId: z.string(),
      userEmail: z.string(),
      type: jobTypeSchema,
      status: z.enum(['queued', 'running']),
      phase: stageSchema.nullable(),
      progress: integer,
      currentStep: z.string().nullable(),
      priority: z.enum(['high', 'normal', 'low']),
      pregenerated: z.boolean(),
      run: integer,
      attempts: integer,
      createdAt: isoDate,
      startedAt: isoDate.nullable(),
      ageSec: described(z.number(), 'Since the job was created'),
      idleSec: described(z.number(), 'Since its row last changed: a stuck job grows it'),
      historyUrl: z.string(),
    }),
  ),
});

export const jobHistorySchema = component('JobHistory', {
  job: jobSchema,
  events: described(
    z.array(
      z.object({
        id: described(z.string(), 'Orders the events (the SSE stream resumes from it)'),
        type: described(
          z.string(),
          'created, stage_started, stage_completed, stage_failed, completed, failed, cancelled, retried, reconciled, …',
        ),
        data: z.record(z.string(), z.unknown()),
        createdAt: isoDate,
      }),
    ),
    'Oldest first, at most 1000',
  ),
  eventsTruncated: described(z.boolean(), 'More than 1000 events: the newest are left out'),
  stages: z.array(
    z.object({
      stage: stageSchema,
      status: z.enum(['pending', 'running', 'completed', 'failed', 'skipped']),
      attempts: described(integer, 'Attempts in the current run'),
      startedAt: isoDate.nullable(),
      finishedAt: isoDate.nullable(),
      durationMs: z.number().int().nullable(),
      artifact: described(
        z.object({ key: z.string(), checksum: z.string().nullable() }).nullable(),
        'The stored result a retry resumes from',
      ),
      error: errorSchema.nullable(),
    }),
  ),
  webhookDeliveries: z.array(
    z.object({
      id: z.string(),
      event: z.string(),
      url: z.string(),
      attempt: integer,
      statusCode: described(z.number().int().nullable(), "The receiver's answer; null: none"),
      error: z.string().nullable(),
      durationMs: z.number().int().nullable(),
      createdAt: isoDate,
      deliveredAt: isoDate.nullable(),
    }),
  ),
});

export const ticketSchema = component('JobTicket', {
  jobId: z.string(),
  status: z.enum(['queued', 'running', 'completed', 'failed', 'cancelled']),
  pollUrl: z.string(),
  eventsUrl: z.string(),
  deduplicated: described(z.boolean(), 'An earlier job answers this request'),
});

// POST /v1/uploads (issue #16, uploads)
export const uploadFormSchema = component('UploadForm', {
  audio: z.string().openapi({
    format: 'binary',
    description:
      'The audio: MP3, M4A/AAC, WAV, FLAC or Ogg, recognised by its bytes (never its name); at most UPLOAD_MAX_BYTES (500 MB by default)',
  }),
  transcript: z.string().optional().openapi({
    format: 'binary',
    description:
      'Its transcript, timings as they are: WebVTT, SRT or podfleet JSON ({segments: [{speaker, text, start, end}], chapters?: [{title, startSec}]} or the bare array); at most 5 MB',
  }),
  title: described(z.string().min(1).max(200), "The episode's title"),
});

export const episodeSchema = component('Episode', {
  id: z.string(),
  jobId: z.string(),
  type: described(
    z.enum(['daily', 'weekly', 'custom', 'upload']),
    'upload: made from an uploaded audio file',
  ),
  title: z.string(),
  description: z.string(),
  audioUrl: described(z.string(), 'Signed, expiring URL: plays without an Authorization header'),
  transcriptUrl: z.string(),
  durationSec: z.number(),
  sizeBytes: integer,
  mimeType: z.string(),
  chapters: z.array(z.object({ title: z.string(), startSec: z.number() })),
  sources: z.array(z.object({ kind: z.string(), title: z.string(), url: z.string().nullable() })),
  createdAt: isoDate,
  expiresAt: isoDate.nullable(),
  version: described(integer, 'The version audioUrl plays: 1, then one more with each re-render'),
});

// Promo clips (docs/clips.md).
export const clipSchema = component('Clip', {
  id: z.string(),
  episodeId: z.string(),
  platform: z.enum(['tiktok', 'reels', 'shorts', 'x', 'generic']),
  startSec: described(z.number(), "Where the clip starts in the episode's audio"),
  endSec: z.number(),
  durationSec: z.number(),
  score: described(z.number(), '0–1: the weighted features over the weights'),
  confidence: described(z.enum(['high', 'medium', 'low']), 'high ≥ 0.7, medium ≥ 0.5'),
  title: described(z.string(), 'Its first sentence, at most 80 characters'),
  text: z.string(),
  features: described(
    z.record(z.string(), z.unknown()),
    'Why it scored so: per feature (hook, completeThought, speakerTurns, energy, topic, lengthFit) its value, weight and contribution; hook also names its kind',
  ),
  media: z.object({
    mp3Url: described(z.string().nullable(), 'Signed, expiring; null when not rendered as MP3'),
    mp4Url: described(z.string().nullable(), 'Signed, expiring; null when not rendered as MP4'),
  }),
  createdAt: isoDate,
});

export const clipListSchema = component('ClipList', { items: z.array(clipSchema) });
const scriptHostSchema = z.object({ name: z.string(), voice: z.string().optional() });

/** GET /v1/episodes/{id}/script. */
export const episodeScriptSchema = component('EpisodeScript', {
  episodeId: z.string(),
  version: described(
    integer,
    "The script's version (also its ETag, for PUT's If-Match); ahead of renderedVersion while its re-render runs",
  ),
  renderedVersion: described(integer, 'The version the episode plays now'),
  title: z.string(),
  description: z.string(),
  hosts: z.array(scriptHostSchema),
  chapters: z.array(z.object({ title: z.string() })),
  lines: z.array(
    z.object({
      id: described(z.string(), 'Stable across edits: send it back with the line'),
      speaker: z.string(),
      text: z.string(),
      chapter: described(integer, 'Index into chapters'),
    }),
  ),
  wordCount: integer,
  estimatedSec: described(
    z.number(),
    "How long it would last voiced (s): the writers' duration estimate at the fleet's measured pace",
  ),
});

/** POST /v1/episodes/{id}/rerender body. */
export const rerenderBodySchema = z
  .object({
    hosts: z
      .array(
        z
          .object({
            name: described(
              z.string().min(1).max(40).optional(),
              'The host to re-voice; without it, the host at the same position',
            ),
            voice: z.string().min(1).max(100),
          })
          .strict(),
      )
      .min(1)
      .max(4),
  })
  .strict()
  .openapi('RerenderRequest');

export const rerenderTicketSchema = ticketSchema
  .extend({
    version: described(integer, 'The version the job renders (the new script version, its ETag)'),
  })
  .openapi('RerenderTicket');

export const episodeVersionSchema = component('EpisodeVersion', {
  version: integer,
  current: described(z.boolean(), 'The version the episode plays now'),
  jobId: described(z.string(), 'The job that rendered it'),
  audioUrl: described(z.string(), "Signed, expiring URL of this version's MP3"),
  durationSec: z.number(),
  sizeBytes: integer,
  renderedAt: isoDate,
  replacedAt: described(isoDate.nullable(), 'When a re-render replaced it; null for the current one'),
});

export const episodeVersionsSchema = component('EpisodeVersions', {
  episodeId: z.string(),
  version: integer,
  scriptVersion: integer,
  items: described(
    z.array(episodeVersionSchema),
    'Newest first: the current version, then those it replaced',
  ),
});

export const cachedEpisodeSchema = component('CachedEpisode', {
  cached: z.literal(true),
  source: z.literal('cache'),
  episode: episodeSchema,
});

export const pageOf = <T extends z.ZodType>(item: T, name: string) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable() }).openapi(name);

export const progressEventSchema = component('ProgressEvent', {
  jobId: z.string(),
  status: z.enum(['queued', 'running']),
  phase: stageSchema.nullable(),
  progress: integer,
  currentStep: z.string().nullable(),
});

export const transcriptSchema = component('Transcript', {
  episodeId: z.string(),
  segments: z.array(z.object({ speaker: z.string(), text: z.string(), start: z.number(), end: z.number() })),
});

export const healthSchema = component('Health', {
  status: z.literal('ok'),
  redis: z.literal('ok'),
  db: z.literal('ok'),
  storage: described(z.literal('ok'), 'The probe object (health/probe.txt) reads back'),
});

export const queueStatsSchema = component('QueueStats', {
  at: isoDate,
  queues: z.record(
    z.enum(['scrape', 'script', 'audio', 'upload', 'clips', 'webhooks', 'pregenerate', 'maintenance']),
    z.object({
      waiting: integer,
      prioritized: integer,
      active: integer,
      delayed: integer,
      failed: described(integer, 'Failed for good, still kept in Redis'),
      completedLastHour: integer,
      completedPerMinute: described(z.number(), 'completedLastHour / 60'),
      failedLastHour: described(integer, 'Failed for good in the last hour'),
      oldestWaitingSec: described(
        z.number(),
        'How long the job waiting longest has waited; a stage queue counts from when the job was enqueued or its previous stage finished',
      ),
    }),
  ),
});

const stageStatsSchema = z.object({
  count: z.number(),
  avgMs: numberOrNull,
  p50Ms: numberOrNull,
  p95Ms: numberOrNull,
});

export const pregenerationRunSchema = component('PregenerationRun', {
  mode: described(z.enum(['scheduled', 'all']), '`all`: every due user (cron endpoint)'),
  at: described(isoDate, 'The clock of the run'),
  total: described(integer, 'successful + failed + skipped + deferred'),
  successful: described(integer, 'Jobs enqueued (low priority)'),
  failed: integer,
  skipped: integer,
  deferred: described(integer, 'Targets handed to a background job: the fleet already had a batch in flight'),
  skippedByReason: described(
    z.record(z.string(), integer),
    'disabled, not-local-hour, no-sources, inactive, over-quota, already-generated',
  ),
  errors: z.array(z.object({ userId: z.string(), kind: z.enum(['daily', 'weekly']), message: z.string() })),
  durationMs: z.number(),
});

const storedRunSchema = pregenerationRunSchema
  .extend({ errorCount: described(integer, 'errors[] keeps the first 5') })
  .openapi('StoredPregenerationRun');

const runOutcomes = {
  total: integer,
  successful: integer,
  failed: integer,
  skipped: integer,
  deferred: integer,
};

// ---- feedback (#16) ----

export const FEEDBACK_TYPES = ['like', 'dislike', 'rating', 'report', 'comment'] as const;
export const FEEDBACK_COMMENT_MAX_CHARS = 2000;
const feedbackTargetId = z.string().min(1).max(64);

/** `POST /v1/feedback`: on an episode, a clip, or both (the clip's own episode). */
export const feedbackBodySchema = z
  .object({
    episodeId: feedbackTargetId.optional(),
    clipId: described(
      feedbackTargetId.optional(),
      "The clip's episode and platform are recorded with the feedback",
    ),
    type: z.enum(FEEDBACK_TYPES),
    rating: described(
      z.number().int().min(1).max(5).optional(),
      '1–5: required for a rating, refused with any other type',
    ),
    comment: described(
      z.string().max(FEEDBACK_COMMENT_MAX_CHARS).optional(),
      'Required (not blank) for a comment; optional with any other type',
    ),
  })
  .strict()
  .superRefine((body, issues) => {
    if (body.episodeId === undefined && body.clipId === undefined)
      issues.addIssue({
        code: 'custom',
        path: ['episodeId'],
        message: 'give an episodeId, a clipId or both',
      });
    if (body.type === 'rating' && body.rating === undefined)
      issues.addIssue({ code: 'custom', path: ['rating'], message: 'a rating needs a rating of 1–5' });
    if (body.type !== 'rating' && body.rating !== undefined)
      issues.addIssue({ code: 'custom', path: ['rating'], message: `a ${body.type} takes no rating` });
    if (body.type === 'comment' && !body.comment?.trim())
      issues.addIssue({ code: 'custom', path: ['comment'], message: 'a comment needs its text' });
  })
  .openapi('FeedbackRequest', {
    description: 'At least one of episodeId and clipId; given both, the clip must be of that episode',
  });

/** `GET /v1/feedback`: yours, newest first, on one episode or clip when given. */
export const feedbackQuerySchema = pageQuerySchema.extend({
  episodeId: feedbackTargetId.optional(),
  clipId: feedbackTargetId.optional(),
});

export const feedbackSchema = component('Feedback', {
  id: z.string(),
  type: z.enum(FEEDBACK_TYPES),
  episodeId: z.string().nullable(),
  clipId: described(z.string().nullable(), 'null once the clip is deleted'),
  platform: described(
    z.enum(PLATFORMS).nullable(),
    "The clip's platform; null for feedback on an episode alone",
  ),
  rating: z.number().int().nullable(),
  comment: z.string().nullable(),
  createdAt: isoDate,
});

const feedbackCountsSchema = component('FeedbackCounts', {
  likes: integer,
  dislikes: integer,
  reports: integer,
  comments: integer,
  ratings: z.object({
    count: integer,
    average: described(numberOrNull, '1–5; null without ratings'),
  }),
});

/** The feedback part of GET /v1/stats (definitions in docs/api.md "Feedback"). */
export const feedbackStatsSchema = component('FeedbackStats', {
  since: described(isoDate, 'Feedback given since the start of the first history day'),
  all: feedbackCountsSchema,
  episodes: described(feedbackCountsSchema, 'Feedback on an episode, not on a clip'),
  platforms: described(
    z.record(z.enum(PLATFORMS), feedbackCountsSchema),
    "Feedback on clips, by the clip's platform (kept after the clip is deleted)",
  ),
  features: described(
    z.record(z.enum([...HOOK_WEIGHTS, ...FEATURES]), feedbackCountsSchema),
    "Feedback on clips still stored, by what the clip had: hookQuestion/hookNumber/hookClaim the hook of that kind; any other feature a value above 0.5 (what a like raises the feature's weight for)",
  ),
});

export const statsSchema = component('Stats', {
  periods: z.array(
    z.object({
      period: z.string(),
      since: isoDate.nullable(),
      jobs: z.object({
        total: z.number(),
        queued: z.number(),
        running: z.number(),
        completed: z.number(),
        failed: z.number(),
        cancelled: z.number(),
      }),
      successRate: numberOrNull,
      costUsd: z.number(),
      durationMs: z.object({
        avg: numberOrNull,
        p50: numberOrNull,
        p95: numberOrNull,
      }),
      stages: z.record(z.string(), stageStatsSchema),
    }),
  ),
  queues: z.record(z.string(), z.record(z.string(), z.number())),
  cache: described(
    z.object({
      hits: described(integer, 'Answered from Redis'),
      fallbacks: described(integer, 'Answered from the database after the key was gone (key re-warmed)'),
      misses: integer,
      hitRate: described(numberOrNull, '(hits + fallbacks) / lookups'),
    }),
    'Daily/weekly episode cache, fleet-wide',
  ),
  pregeneration: z.object({
    lastRun: storedRunSchema.nullable(),
    recent: described(
      z.object({ runs: integer, ...runOutcomes }),
      'The last runs (up to 10) added up: decisions, `successful` = jobs submitted',
    ),
    runs: described(z.array(storedRunSchema), 'Newest first'),
    outcomes: described(
      z.object({
        since: isoDate,
        jobs: integer,
        completed: integer,
        failed: integer,
        cancelled: integer,
        inFlight: described(integer, 'Still queued or running'),
        successRate: described(numberOrNull, 'completed / (completed + failed)'),
      }),
      'What became of the pre-generated jobs created in the last 24 h',
    ),
  }),
  costPerUserPerDay: described(
    z.object({
      since: isoDate,
      userDays: integer,
      avgUsd: numberOrNull,
      maxUsd: numberOrNull,
      days: z.array(
        z.object({
          day: z.string(),
          users: integer,
          jobs: integer,
          costUsd: z.number(),
          avgUsdPerUser: z.number(),
        }),
      ),
    }),
    'Estimated provider cost of one user on one UTC day, over the last 7 days',
  ),
  timeToFirstAudio: described(
    z.object({
      since: isoDate,
      count: integer,
      p50Ms: numberOrNull,
      p95Ms: numberOrNull,
      avgMs: numberOrNull,
      bySource: z.record(
        z.enum(['cache', 'generated', 'joined']),
        z.object({ count: integer, p50Ms: numberOrNull, p95Ms: numberOrNull }),
      ),
    }),
    'From an episode request to an audio URL, over the requests of the last 24 h whose audio exists: a cache hit is its answer time, a new or joined job runs until it completes',
  ),
  history: described(
    z.object({
      since: described(z.string(), 'First UTC day (yyyy-mm-dd)'),
      days: z.array(
        z.object({
          day: z.string(),
          jobs: integer,
          completed: integer,
          failed: integer,
          cancelled: integer,
          pregeneratedCompleted: integer,
          pregeneratedFailed: integer,
          costUsd: z.number(),
          jobP50Ms: numberOrNull,
          jobP95Ms: numberOrNull,
          requests: described(integer, 'Episode requests whose audio URL exists'),
          firstAudioP50Ms: numberOrNull,
          firstAudioP95Ms: numberOrNull,
          rolledUp: described(
            z.boolean(),
            "From job_daily_stats: the day's rows were deleted (JOB_RETENTION_DAYS)",
          ),
        }),
      ),
    }),
    'Per UTC day (jobs by the day they were created), days without any left out',
  ),
  feedback: feedbackStatsSchema,
});

// ---- storage: quotas, usage and the archive (#16) ----

const bytes = z.number().int().min(0);

export const userStorageStatsSchema = component('UserStorageStats', {
  scope: z.literal('user'),
  usage: described(
    z.object({ episodes: bytes, uploads: bytes, clips: bytes }),
    'Bytes stored per kind: generated episodes, uploaded episodes, clips',
  ),
  usedBytes: described(bytes, 'What counts against your quota: the kinds together'),
  quotaBytes: described(
    bytes,
    'Your limit: your own (set by the admin) or the default USER_STORAGE_QUOTA_BYTES; 0 unlimited',
  ),
  remainingBytes: described(bytes.nullable(), 'quotaBytes − usedBytes (never below 0); null when unlimited'),
});

export const fleetStorageStatsSchema = component('FleetStorageStats', {
  scope: z.literal('fleet'),
  usage: described(
    z.object({ episodes: bytes, uploads: bytes, clips: bytes, archive: bytes }),
    'Bytes stored per kind over every user; archive: expired episodes and clips kept for ARCHIVE_DAYS',
  ),
  usedBytes: described(bytes, 'Every stored byte, archive included: what counts against the fleet quota'),
  quotaBytes: described(bytes, 'STORAGE_QUOTA_BYTES; 0 unlimited'),
  remainingBytes: described(bytes.nullable(), 'quotaBytes − usedBytes (never below 0); null when unlimited'),
  userQuotaBytes: described(bytes, 'The default per-user quota (USER_STORAGE_QUOTA_BYTES); 0 unlimited'),
  archiveDays: described(z.number().int().min(0), 'ARCHIVE_DAYS: how long archived items can be restored'),
});

export const storageStatsSchema = z
  .discriminatedUnion('scope', [userStorageStatsSchema, fleetStorageStatsSchema])
  .openapi('StorageStats', {
    description: 'A user key sees its own usage (scope user); the admin key the fleet (scope fleet)',
  });

export const restoredClipSchema = component('RestoredClip', {
  id: z.string(),
  episodeId: z.string(),
  userId: z.string(),
  expiresAt: described(isoDate.nullable(), 'When it expires again (EPISODE_RETENTION_DAYS from now)'),
});

export const archiveQuerySchema = z.object({
  userId: described(z.string().min(1).max(64).optional(), "Only this user's archived items"),
  limit: described(z.coerce.number().int().min(1).max(200).default(50), 'Items of each kind (1–200)'),
});

const archivedItem = {
  id: z.string(),
  userId: z.string(),
  title: z.string(),
  sizeBytes: bytes,
  archivedAt: isoDate,
  restorableUntil: described(isoDate, 'archivedAt + ARCHIVE_DAYS: the restore answers 410 after it'),
};

export const archiveListSchema = z
  .object({
    episodes: z.array(z.object({ ...archivedItem, type: z.string() })),
    clips: z.array(z.object({ ...archivedItem, episodeId: z.string(), platform: z.string() })),
  })
  .openapi('ArchiveList', { description: 'Archived episodes and clips, the most recently archived first' });

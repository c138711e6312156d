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

const isoDate = z.iso.datetime();
const webhookUrl = z.url({ protocol: /^https?$/ }).max(2048);
const timezone = z
  .string()
  .min(1)
  .max(64)
  .refine((tz) => isValidTimeZone(tz), { message: 'not an IANA time zone (e.g. Europe/Paris)' });

const pregenerateTier = z.enum(['full', 'partial', 'none']).openapi({
  description:
    'What the nightly run prepares of the daily/weekly episode: all of it, the script only (audio is made on request), or nothing',
});
const storageQuotaBytes = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).nullable().openapi({
  description:
    "Bytes the user's episodes may take: 0 unlimited, null the fleet default (USER_STORAGE_QUOTA_BYTES)",
});

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

const highPriorityPerDay = z.number().int().min(0).max(10_000).openapi({
  description:
    'Episode requests with priority "high" the user may make per UTC day; 0 (the default): none, such a request answers 403',
});

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
  q: z.string().min(1).max(320).optional().openapi({ description: 'Part of the e-mail, any case' }),
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
  name: z
    .union([z.string().min(1), z.array(z.string().min(1)).max(50)])
    .optional()
    .transform((name) => (name === undefined ? [] : [name].flat()))
    .openapi({
      description:
        'Only these metrics (repeatable), e.g. podfleet_http_request_duration_seconds: a read that skips the collectors that query PostgreSQL and Redis',
    }),
});

// ---- responses ----

export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    instance: z.string().optional(),
    requestId: z.string().optional(),
    errors: z
      .array(z.object({ path: z.string(), message: z.string(), code: z.string().optional() }))
      .optional(),
  })
  .openapi('Problem');

export const userSchema = z
  .object({
    id: z.string(),
    email: z.string(),
    name: z.string().nullable(),
    timezone: z.string(),
    dailyEnabled: z.boolean(),
    weeklyEnabled: z.boolean(),
    pregenerateTier: z.enum(['full', 'partial', 'none']),
    storageQuotaBytes: storageQuotaBytes.openapi({
      description: 'Your own storage limit in bytes: 0 unlimited, null the fleet default',
    }),
    highPriorityPerDay,
    sources: z.array(z.unknown()),
    style: z.record(z.string(), z.unknown()).nullable(),
    webhookUrl: z.string().nullable(),
    episodesGenerated: z.number().int(),
    listens: z.number().int(),
    createdAt: isoDate,
  })
  .openapi('User');

export const apiKeySchema = z
  .object({
    id: z.string(),
    name: z.string().nullable(),
    prefix: z.string().openapi({ description: 'First characters of the key, to tell keys apart' }),
    createdAt: isoDate,
    lastUsedAt: isoDate.nullable(),
  })
  .openapi('ApiKey');

export const createdKeySchema = z
  .object({
    apiKey: z
      .string()
      .openapi({ description: 'The key itself (pf_…). Shown once; only its hash is stored.' }),
    key: apiKeySchema,
  })
  .openapi('CreatedKey');

export const createdUserSchema = createdKeySchema.extend({ user: userSchema }).openapi('CreatedUser');

export const adminUserSchema = z
  .object({
    user: userSchema,
    storage: z.object({
      usedBytes: z.number().int().openapi({ description: "Bytes of the user's stored episodes" }),
      quotaBytes: z
        .number()
        .int()
        .openapi({ description: 'The limit in force: their own or the default; 0 unlimited' }),
      exceeded: z
        .boolean()
        .openapi({ description: 'New episodes are refused (409) until older ones expire' }),
    }),
  })
  .openapi('AdminUser');

export const meSchema = z
  .object({
    user: userSchema,
    feedUrl: z
      .string()
      .openapi({ description: 'Private podcast feed; rotate it with POST /v1/me/feed-token' }),
    webhookSecret: z
      .string()
      .openapi({ description: 'Verifies X-Podfleet-Signature of your webhook deliveries' }),
  })
  .openapi('Me');

export const podcastShowSchema = z
  .object({
    title: z.string(),
    description: z.string(),
    author: z.string().openapi({ description: 'itunes:author, and the name of itunes:owner' }),
    ownerEmail: z
      .string()
      .nullable()
      .openapi({ description: 'itunes:owner e-mail and podcast:locked owner; null: none published' }),
    language: z.string(),
    category: z.string().openapi({ description: 'Apple Podcasts category (itunes:category)' }),
    subcategory: z.string().nullable(),
    explicit: z.boolean(),
    color: z.string().openapi({ description: 'Background of the generated cover, #rrggbb' }),
    guid: z.string().openapi({ description: 'podcast:guid (UUIDv5), the same for the life of the show' }),
    cover: z.object({
      url: z.string().openapi({ description: 'The cover as the feed links it; changes with the image' }),
      mimeType: z.enum(['image/png', 'image/jpeg']),
      uploaded: z.boolean().openapi({ description: 'false: drawn from the title and colour' }),
    }),
    feedUrl: z.string(),
  })
  .openapi('PodcastShow');

/** What a job makes: an episode (daily, weekly, custom), promo clips, or an episode from an upload. */
const jobTypeSchema = z.enum(['daily', 'weekly', 'custom', 'clips', 'upload']);

/** A job's stages: an episode's scrape, script, audio, upload; a clips job's clips. */
const stageSchema = z.enum(['scrape', 'script', 'audio', 'upload', 'clips']);

export const jobSchema = z
  .object({
    id: z.string(),
    type: jobTypeSchema,
    status: z.enum(['queued', 'running', 'completed', 'failed', 'cancelled']),
    phase: stageSchema.nullable(),
    progress: z.number().int().min(0).max(100),
    currentStep: z.string().nullable(),
    attempts: z.number().int(),
    maxAttempts: z.number().int(),
    priority: z.enum(['high', 'normal', 'low']),
    error: z.object({ code: z.string(), message: z.string() }).nullable(),
    episodeId: z.string().nullable(),
    costUsd: z.number(),
    wordCount: z.number().int().nullable(),
    providers: z.object({
      script: z.string().optional(),
      tts: z.string().optional(),
      transcript: z
        .string()
        .optional()
        .openapi({ description: 'Upload jobs: where the transcript came from (uploaded, none)' }),
    }),
    pregenerated: z.boolean(),
    createdAt: isoDate,
    startedAt: isoDate.nullable(),
    completedAt: isoDate.nullable(),
  })
  .openapi('Job');

export const adminJobSchema = jobSchema
  .extend({
    userId: z.string(),
    userEmail: z.string(),
    historyUrl: z
      .string()
      .openapi({ description: 'GET it for the events, stage attempts and webhook deliveries' }),
  })
  .openapi('AdminJob');

const errorSchema = z.object({ code: z.string(), message: z.string() });

/** `GET /v1/admin/failures`: the window in hours (default 24, at most 30 days) and how many groups. */
export const failuresQuerySchema = z.object({
  hours: z.coerce.number().int().min(1).max(720).default(24),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

export const failuresSchema = z
  .object({
    since: isoDate,
    items: z.array(
      z.object({
        stage: z.string(),
        code: z.string(),
        provider: z.string().nullable().openapi({
          description: 'Script writer, TTS engine or storage driver; for scrape the kinds of the sources',
        }),
        attempts: z.number().int().openapi({ description: 'Failed stage attempts in the window' }),
        jobs: z.number().int(),
        jobsFailed: z
          .number()
          .int()
          .openapi({ description: 'Of those jobs, how many ended failed with this code' }),
        lastAt: isoDate,
        example: z.object({ jobId: z.string(), message: z.string(), historyUrl: z.string() }),
      }),
    ),
  })
  .openapi('Failures');

/** `GET /v1/stats?days=`: how many UTC days of history, today included (default 30). */
export const statsQuerySchema = z.object({
  days: z.coerce.number().int().min(1).max(400).default(30),
});

/** `GET /v1/admin/active-jobs`: how many, oldest first. */
export const activeJobsQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

export const activeJobsSchema = z
  .object({
    total: z.number().int().openapi({ description: 'Jobs queued or running now' }),
    items: z.array(
      z.object({
        jobId: z.string(),
        userId: z.string(),
        userEmail: z.string(),
        type: jobTypeSchema,
        status: z.enum(['queued', 'running']),
        phase: stageSchema.nullable(),
        progress: z.number().int(),
        currentStep: z.string().nullable(),
        priority: z.enum(['high', 'normal', 'low']),
        pregenerated: z.boolean(),
        run: z.number().int(),
        attempts: z.number().int(),
        createdAt: isoDate,
        startedAt: isoDate.nullable(),
        ageSec: z.number().openapi({ description: 'Since the job was created' }),
        idleSec: z.number().openapi({ description: 'Since its row last changed: a stuck job grows it' }),
        historyUrl: z.string(),
      }),
    ),
  })
  .openapi('ActiveJobs');

export const jobHistorySchema = z
  .object({
    job: jobSchema,
    events: z
      .array(
        z.object({
          id: z.string().openapi({ description: 'Orders the events (the SSE stream resumes from it)' }),
          type: z.string().openapi({
            description:
              'created, stage_started, stage_completed, stage_failed, completed, failed, cancelled, retried, reconciled, …',
          }),
          data: z.record(z.string(), z.unknown()),
          createdAt: isoDate,
        }),
      )
      .openapi({ description: 'Oldest first, at most 1000' }),
    eventsTruncated: z.boolean().openapi({ description: 'More than 1000 events: the newest are left out' }),
    stages: z.array(
      z.object({
        stage: stageSchema,
        status: z.enum(['pending', 'running', 'completed', 'failed', 'skipped']),
        attempts: z.number().int().openapi({ description: 'Attempts in the current run' }),
        startedAt: isoDate.nullable(),
        finishedAt: isoDate.nullable(),
        durationMs: z.number().int().nullable(),
        artifact: z
          .object({ key: z.string(), checksum: z.string().nullable() })
          .nullable()
          .openapi({ description: 'The stored result a retry resumes from' }),
        error: errorSchema.nullable(),
      }),
    ),
    webhookDeliveries: z.array(
      z.object({
        id: z.string(),
        event: z.string(),
        url: z.string(),
        attempt: z.number().int(),
        statusCode: z.number().int().nullable().openapi({ description: "The receiver's answer; null: none" }),
        error: z.string().nullable(),
        durationMs: z.number().int().nullable(),
        createdAt: isoDate,
        deliveredAt: isoDate.nullable(),
      }),
    ),
  })
  .openapi('JobHistory');

export const ticketSchema = z
  .object({
    jobId: z.string(),
    status: z.enum(['queued', 'running', 'completed', 'failed', 'cancelled']),
    pollUrl: z.string(),
    eventsUrl: z.string(),
    deduplicated: z.boolean().openapi({ description: 'An earlier job answers this request' }),
  })
  .openapi('JobTicket');

// POST /v1/uploads (issue #16, uploads)
export const uploadFormSchema = z
  .object({
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
    title: z.string().min(1).max(200).openapi({ description: "The episode's title" }),
  })
  .openapi('UploadForm');

export const episodeSchema = z
  .object({
    id: z.string(),
    jobId: z.string(),
    type: z
      .enum(['daily', 'weekly', 'custom', 'upload'])
      .openapi({ description: 'upload: made from an uploaded audio file' }),
    title: z.string(),
    description: z.string(),
    audioUrl: z
      .string()
      .openapi({ description: 'Signed, expiring URL: plays without an Authorization header' }),
    transcriptUrl: z.string(),
    durationSec: z.number(),
    sizeBytes: z.number().int(),
    mimeType: z.string(),
    chapters: z.array(z.object({ title: z.string(), startSec: z.number() })),
    sources: z.array(z.object({ kind: z.string(), title: z.string(), url: z.string().nullable() })),
    createdAt: isoDate,
    expiresAt: isoDate.nullable(),
  })
  .openapi('Episode');

// Promo clips (docs/clips.md).
export const clipSchema = z
  .object({
    id: z.string(),
    episodeId: z.string(),
    platform: z.enum(['tiktok', 'reels', 'shorts', 'x', 'generic']),
    startSec: z.number().openapi({ description: "Where the clip starts in the episode's audio" }),
    endSec: z.number(),
    durationSec: z.number(),
    score: z.number().openapi({ description: '0–1: the weighted features over the weights' }),
    confidence: z.enum(['high', 'medium', 'low']).openapi({ description: 'high ≥ 0.7, medium ≥ 0.5' }),
    title: z.string().openapi({ description: 'Its first sentence, at most 80 characters' }),
    text: z.string(),
    features: z.record(z.string(), z.unknown()).openapi({
      description:
        'Why it scored so: per feature (hook, completeThought, speakerTurns, energy, topic, lengthFit) its value, weight and contribution; hook also names its kind',
    }),
    media: z.object({
      mp3Url: z
        .string()
        .nullable()
        .openapi({ description: 'Signed, expiring; null when not rendered as MP3' }),
      mp4Url: z
        .string()
        .nullable()
        .openapi({ description: 'Signed, expiring; null when not rendered as MP4' }),
    }),
    createdAt: isoDate,
  })
  .openapi('Clip');

export const clipListSchema = z.object({ items: z.array(clipSchema) }).openapi('ClipList');

export const cachedEpisodeSchema = z
  .object({ cached: z.literal(true), source: z.literal('cache'), episode: episodeSchema })
  .openapi('CachedEpisode');

export const pageOf = <T extends z.ZodType>(item: T, name: string) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable() }).openapi(name);

export const progressEventSchema = z
  .object({
    jobId: z.string(),
    status: z.enum(['queued', 'running']),
    phase: stageSchema.nullable(),
    progress: z.number().int(),
    currentStep: z.string().nullable(),
  })
  .openapi('ProgressEvent');

export const transcriptSchema = z
  .object({
    episodeId: z.string(),
    segments: z.array(
      z.object({ speaker: z.string(), text: z.string(), start: z.number(), end: z.number() }),
    ),
  })
  .openapi('Transcript');

export const healthSchema = z
  .object({
    status: z.literal('ok'),
    redis: z.literal('ok'),
    db: z.literal('ok'),
    storage: z.literal('ok').openapi({ description: 'The probe object (health/probe.txt) reads back' }),
  })
  .openapi('Health');

export const queueStatsSchema = z
  .object({
    at: isoDate,
    queues: z.record(
      z.enum(['scrape', 'script', 'audio', 'upload', 'clips', 'webhooks', 'pregenerate', 'maintenance']),
      z.object({
        waiting: z.number().int(),
        prioritized: z.number().int(),
        active: z.number().int(),
        delayed: z.number().int(),
        failed: z.number().int().openapi({ description: 'Failed for good, still kept in Redis' }),
        completedLastHour: z.number().int(),
        completedPerMinute: z.number().openapi({ description: 'completedLastHour / 60' }),
        failedLastHour: z.number().int().openapi({ description: 'Failed for good in the last hour' }),
        oldestWaitingSec: z.number().openapi({
          description:
            'How long the job waiting longest has waited; a stage queue counts from when the job was enqueued or its previous stage finished',
        }),
      }),
    ),
  })
  .openapi('QueueStats');

const stageStatsSchema = z.object({
  count: z.number(),
  avgMs: z.number().nullable(),
  p50Ms: z.number().nullable(),
  p95Ms: z.number().nullable(),
});

export const pregenerationRunSchema = z
  .object({
    mode: z.enum(['scheduled', 'all']).openapi({ description: '`all`: every due user (cron endpoint)' }),
    at: isoDate.openapi({ description: 'The clock of the run' }),
    total: z.number().int().openapi({ description: 'successful + failed + skipped + deferred' }),
    successful: z.number().int().openapi({ description: 'Jobs enqueued (low priority)' }),
    failed: z.number().int(),
    skipped: z.number().int(),
    deferred: z.number().int().openapi({
      description: 'Targets handed to a background job: the fleet already had a batch in flight',
    }),
    skippedByReason: z.record(z.string(), z.number().int()).openapi({
      description: 'disabled, not-local-hour, no-sources, inactive, over-quota, already-generated',
    }),
    errors: z.array(z.object({ userId: z.string(), kind: z.enum(['daily', 'weekly']), message: z.string() })),
    durationMs: z.number(),
  })
  .openapi('PregenerationRun');

const storedRunSchema = pregenerationRunSchema
  .extend({ errorCount: z.number().int().openapi({ description: 'errors[] keeps the first 5' }) })
  .openapi('StoredPregenerationRun');

const runOutcomes = {
  total: z.number().int(),
  successful: z.number().int(),
  failed: z.number().int(),
  skipped: z.number().int(),
  deferred: z.number().int(),
};

// ---- feedback (#16) ----

export const FEEDBACK_TYPES = ['like', 'dislike', 'rating', 'report', 'comment'] as const;
export const FEEDBACK_COMMENT_MAX_CHARS = 2000;
const feedbackTargetId = z.string().min(1).max(64);

/** `POST /v1/feedback`: on an episode, a clip, or both (the clip's own episode). */
export const feedbackBodySchema = z
  .object({
    episodeId: feedbackTargetId.optional(),
    clipId: feedbackTargetId
      .optional()
      .openapi({ description: "The clip's episode and platform are recorded with the feedback" }),
    type: z.enum(FEEDBACK_TYPES),
    rating: z
      .number()
      .int()
      .min(1)
      .max(5)
      .optional()
      .openapi({ description: '1–5: required for a rating, refused with any other type' }),
    comment: z
      .string()
      .max(FEEDBACK_COMMENT_MAX_CHARS)
      .optional()
      .openapi({ description: 'Required (not blank) for a comment; optional with any other type' }),
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

export const feedbackSchema = z
  .object({
    id: z.string(),
    type: z.enum(FEEDBACK_TYPES),
    episodeId: z.string().nullable(),
    clipId: z.string().nullable().openapi({ description: 'null once the clip is deleted' }),
    platform: z
      .enum(PLATFORMS)
      .nullable()
      .openapi({ description: "The clip's platform; null for feedback on an episode alone" }),
    rating: z.number().int().nullable(),
    comment: z.string().nullable(),
    createdAt: isoDate,
  })
  .openapi('Feedback');

const feedbackCountsSchema = z
  .object({
    likes: z.number().int(),
    dislikes: z.number().int(),
    reports: z.number().int(),
    comments: z.number().int(),
    ratings: z.object({
      count: z.number().int(),
      average: z.number().nullable().openapi({ description: '1–5; null without ratings' }),
    }),
  })
  .openapi('FeedbackCounts');

/** The feedback part of GET /v1/stats (definitions in docs/api.md "Feedback"). */
export const feedbackStatsSchema = z
  .object({
    since: isoDate.openapi({ description: 'Feedback given since the start of the first history day' }),
    all: feedbackCountsSchema,
    episodes: feedbackCountsSchema.openapi({ description: 'Feedback on an episode, not on a clip' }),
    platforms: z
      .record(z.enum(PLATFORMS), feedbackCountsSchema)
      .openapi({ description: "Feedback on clips, by the clip's platform (kept after the clip is deleted)" }),
    features: z.record(z.enum([...HOOK_WEIGHTS, ...FEATURES]), feedbackCountsSchema).openapi({
      description:
        "Feedback on clips still stored, by what the clip had: hookQuestion/hookNumber/hookClaim the hook of that kind; any other feature a value above 0.5 (what a like raises the feature's weight for)",
    }),
  })
  .openapi('FeedbackStats');

export const statsSchema = z
  .object({
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
        successRate: z.number().nullable(),
        costUsd: z.number(),
        durationMs: z.object({
          avg: z.number().nullable(),
          p50: z.number().nullable(),
          p95: z.number().nullable(),
        }),
        stages: z.record(z.string(), stageStatsSchema),
      }),
    ),
    queues: z.record(z.string(), z.record(z.string(), z.number())),
    cache: z
      .object({
        hits: z.number().int().openapi({ description: 'Answered from Redis' }),
        fallbacks: z
          .number()
          .int()
          .openapi({ description: 'Answered from the database after the key was gone (key re-warmed)' }),
        misses: z.number().int(),
        hitRate: z.number().nullable().openapi({ description: '(hits + fallbacks) / lookups' }),
      })
      .openapi({ description: 'Daily/weekly episode cache, fleet-wide' }),
    pregeneration: z.object({
      lastRun: storedRunSchema.nullable(),
      recent: z.object({ runs: z.number().int(), ...runOutcomes }).openapi({
        description: 'The last runs (up to 10) added up: decisions, `successful` = jobs submitted',
      }),
      runs: z.array(storedRunSchema).openapi({ description: 'Newest first' }),
      outcomes: z
        .object({
          since: isoDate,
          jobs: z.number().int(),
          completed: z.number().int(),
          failed: z.number().int(),
          cancelled: z.number().int(),
          inFlight: z.number().int().openapi({ description: 'Still queued or running' }),
          successRate: z.number().nullable().openapi({ description: 'completed / (completed + failed)' }),
        })
        .openapi({ description: 'What became of the pre-generated jobs created in the last 24 h' }),
    }),
    costPerUserPerDay: z
      .object({
        since: isoDate,
        userDays: z.number().int(),
        avgUsd: z.number().nullable(),
        maxUsd: z.number().nullable(),
        days: z.array(
          z.object({
            day: z.string(),
            users: z.number().int(),
            jobs: z.number().int(),
            costUsd: z.number(),
            avgUsdPerUser: z.number(),
          }),
        ),
      })
      .openapi({ description: 'Estimated provider cost of one user on one UTC day, over the last 7 days' }),
    timeToFirstAudio: z
      .object({
        since: isoDate,
        count: z.number().int(),
        p50Ms: z.number().nullable(),
        p95Ms: z.number().nullable(),
        avgMs: z.number().nullable(),
        bySource: z.record(
          z.enum(['cache', 'generated', 'joined']),
          z.object({ count: z.number().int(), p50Ms: z.number().nullable(), p95Ms: z.number().nullable() }),
        ),
      })
      .openapi({
        description:
          'From an episode request to an audio URL, over the requests of the last 24 h whose audio exists: a cache hit is its answer time, a new or joined job runs until it completes',
      }),
    history: z
      .object({
        since: z.string().openapi({ description: 'First UTC day (yyyy-mm-dd)' }),
        days: z.array(
          z.object({
            day: z.string(),
            jobs: z.number().int(),
            completed: z.number().int(),
            failed: z.number().int(),
            cancelled: z.number().int(),
            pregeneratedCompleted: z.number().int(),
            pregeneratedFailed: z.number().int(),
            costUsd: z.number(),
            jobP50Ms: z.number().nullable(),
            jobP95Ms: z.number().nullable(),
            requests: z.number().int().openapi({ description: 'Episode requests whose audio URL exists' }),
            firstAudioP50Ms: z.number().nullable(),
            firstAudioP95Ms: z.number().nullable(),
            rolledUp: z.boolean().openapi({
              description: "From job_daily_stats: the day's rows were deleted (JOB_RETENTION_DAYS)",
            }),
          }),
        ),
      })
      .openapi({ description: 'Per UTC day (jobs by the day they were created), days without any left out' }),
    feedback: feedbackStatsSchema,
  })
  .openapi('Stats');

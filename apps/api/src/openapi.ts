import {
  OpenAPIRegistry,
  OpenApiGeneratorV31,
  type ResponseConfig,
  type RouteConfig,
} from '@asteasolutions/zod-to-openapi';
import { COVER_MAX_BYTES, COVER_MAX_PX, COVER_MIN_PX } from '@podfleet/artwork';
import { clipRequestSchema } from '@podfleet/clips';
import { episodeRequestSchema } from '@podfleet/pipeline';
import { showUpdateSchema } from '@podfleet/pregeneration';
import { voiceListSchema, writerLanguagesSchema } from '@podfleet/providers';
import { z } from 'zod';
import { pageQuerySchema } from './http/pagination';
import {
  activeJobsQuerySchema,
  activeJobsSchema,
  adminJobSchema,
  adminUserSchema,
  apiKeySchema,
  cachedEpisodeSchema,
  clipListSchema,
  clipSchema,
  createdKeySchema,
  createdUserSchema,
  createKeyBodySchema,
  createUserBodySchema,
  episodeSchema,
  failuresQuerySchema,
  failuresSchema,
  feedbackBodySchema,
  feedbackQuerySchema,
  feedbackSchema,
  healthSchema,
  jobHistorySchema,
  jobSchema,
  meSchema,
  metricsQuerySchema,
  pageOf,
  podcastShowSchema,
  pregenerationRunSchema,
  problemSchema,
  progressEventSchema,
  queueStatsSchema,
  statsQuerySchema,
  statsSchema,
  ticketSchema,
  transcriptSchema,
  updateMeBodySchema,
  updateUserBodySchema,
  uploadFormSchema,
  userSchema,
  usersQuerySchema,
} from './schemas';

/** `userOrSigned`: a key, or none at all with a valid `?exp=&sig=` (signed audio URLs). */
type Auth = 'user' | 'userOrAdmin' | 'userOrSigned' | 'admin' | 'bullBoard' | 'metrics' | 'cron' | 'none';

const problem = (description: string): ResponseConfig => ({
  description,
  content: { 'application/problem+json': { schema: problemSchema } },
});
const json = (description: string, schema: z.ZodType): ResponseConfig => ({
  description,
  content: { 'application/json': { schema } },
});

// clone(): a schema made before extendZodWithOpenApi ran (in @podfleet/pipeline) lacks .openapi().
const episodeRequestDoc = episodeRequestSchema.clone().openapi('EpisodeRequest');
const clipRequestDoc = clipRequestSchema.clone().openapi('ClipRequest');
const showUpdateDoc = showUpdateSchema.clone().openapi('UpdatePodcastShowRequest');
const voiceListDoc = voiceListSchema
  .extend({
    writer: writerLanguagesSchema.optional().openapi({
      description:
        'The script writer and the languages it writes (null: any), once a scraper worker has published them; style.language must be one it writes and one the engine speaks',
    }),
  })
  .openapi('VoiceList', {
    description:
      "The fleet's TTS engine and its voices: an id is what style.hosts[].voice takes; pattern, when present, accepts more ids (espeak: a language, a variant and a pitch); languages are what style.language may name (any, when anyLanguage)",
  });

const idParams = z.object({ id: z.string().openapi({ description: 'Resource id' }) });
const cacheHeader = {
  description:
    'Daily/weekly only. hit: from Redis; fallback: from the database (the key was gone, now re-warmed); miss: a job was made or joined; bypass: forceRegenerate',
  schema: { type: 'string' as const, enum: ['hit', 'fallback', 'miss', 'bypass'] },
};
const rss = (description: string): ResponseConfig => ({
  description,
  content: { 'application/rss+xml': { schema: z.string() } },
});
const signedQuery = { exp: z.string().optional(), sig: z.string().optional() };
const conditional = {
  304: { description: 'Not modified (If-None-Match / If-Modified-Since)' },
};
const jobStatus = z.enum(['queued', 'running', 'completed', 'failed', 'cancelled']);

/**
 * Each operation's operationId: generated clients name their methods after it (the web app's
 * included), so it stays stable once published.
 */
const operationIds: Record<string, string> = {
  'post /v1/users': 'createUser',
  'get /v1/users': 'listUsers',
  'get /v1/users/{id}/keys': 'listUserKeys',
  'delete /v1/users/{id}/keys/{keyId}': 'revokeUserKey',
  'get /v1/users/{id}': 'getUser',
  'patch /v1/users/{id}': 'updateUser',
  'get /v1/me': 'getMe',
  'patch /v1/me': 'updateMe',
  'post /v1/me/feed-token': 'rotateFeedToken',
  'get /v1/me/podcast': 'getPodcastShow',
  'patch /v1/me/podcast': 'updatePodcastShow',
  'put /v1/me/podcast/cover': 'uploadPodcastCover',
  'delete /v1/me/podcast/cover': 'deletePodcastCover',
  'get /v1/keys': 'listKeys',
  'post /v1/keys': 'createKey',
  'delete /v1/keys/{id}': 'revokeKey',
  'post /v1/episodes': 'requestEpisode',
  'post /v1/uploads': 'uploadEpisode',
  'get /v1/episodes': 'listEpisodes',
  'get /v1/episodes/{id}': 'getEpisode',
  'get /v1/episodes/{id}/audio': 'getEpisodeAudio',
  'head /v1/episodes/{id}/audio': 'headEpisodeAudio',
  'get /v1/episodes/{id}/transcript': 'getEpisodeTranscript',
  'get /v1/episodes/{id}/chapters': 'getEpisodeChapters',
  'post /v1/episodes/{id}/listens': 'recordListen',
  'post /v1/episodes/{id}/clips': 'requestClips',
  'get /v1/episodes/{id}/clips': 'listEpisodeClips',
  'get /v1/clips/{id}': 'getClip',
  'get /v1/clips/{id}/media': 'getClipMedia',
  'delete /v1/clips/{id}': 'deleteClip',
  'get /v1/jobs': 'listJobs',
  'get /v1/jobs/{id}': 'getJob',
  'delete /v1/jobs/{id}': 'cancelJob',
  'get /v1/jobs/{id}/history': 'getJobHistory',
  'get /v1/jobs/{id}/events': 'streamJobEvents',
  'post /v1/jobs/{id}/retry': 'retryJob',
  'get /v1/admin/jobs': 'searchJobs',
  'get /v1/admin/active-jobs': 'listActiveJobs',
  'get /v1/admin/failures': 'listFailures',
  'get /v1/queue/stats': 'getQueueStats',
  'get /v1/stats': 'getStats',
  'get /v1/voices': 'listVoices',
  'post /v1/feedback': 'giveFeedback',
  'get /v1/feedback': 'listFeedback',
  'get /v1/feeds/{token}.xml': 'getFeed',
  'get /v1/feeds/{token}/cover.{extension}': 'getFeedCover',
  'post /v1/cron/pregenerate': 'runPregeneration',
  'get /samples/feed.xml': 'getSampleFeed',
  'get /health': 'getHealth',
  'get /metrics': 'getMetrics',
  'get /openapi.json': 'getOpenApiDocument',
  'get /docs': 'getApiReference',
  'get /admin/queues': 'getBullBoard',
};

/** Every documented route, in the order the reference lists them. */
function routes(): RouteConfig[] {
  const r = (
    method: RouteConfig['method'],
    path: string,
    tag: string,
    summary: string,
    auth: Auth,
    responses: Record<number, ResponseConfig>,
    extra: Partial<RouteConfig> = {},
  ): RouteConfig => {
    // An empty requirement ({}) makes the others optional (OpenAPI: no credentials at all).
    const schemes: Record<Auth, string[][]> = {
      none: [],
      user: [['apiKey']],
      userOrAdmin: [['apiKey'], ['adminKey']],
      userOrSigned: [['apiKey'], ['adminKey'], []],
      admin: [['adminKey']],
      bullBoard: [['bullBoard']],
      // Required once METRICS_TOKEN is set (always in production); open without it.
      metrics: [['metricsToken'], []],
      cron: [['cronSecret']],
    };
    const security: Array<Record<string, string[]>> = schemes[auth].map(([name]) =>
      name ? { [name]: [] } : {},
    );
    // Every route may answer these (middleware before the routes, and the error handler).
    const common: Record<number, ResponseConfig> = {
      500: problem('Unexpected error: the detail names the request id (X-Request-Id), the logs the rest'),
    };
    if (extra.request?.body) {
      common[400] = problem('Malformed JSON');
      common[413] = problem('Body larger than 1 MB');
      common[415] = problem('The body is not application/json');
    }
    if (auth !== 'none' && auth !== 'metrics') {
      common[401] = problem('Missing or invalid credentials');
      if (auth === 'user') common[403] = problem('The admin key: this route needs a user key');
      if (auth === 'admin') common[403] = problem('A user key: this route needs the admin key');
      common[429] = problem(
        'Too many failed authentications from this address (AUTH_FAILURES_PER_MINUTE): Retry-After',
      );
      common[503] = problem('Redis or PostgreSQL is unavailable (Retry-After)');
    }
    const operationId = operationIds[`${method} ${path}`];
    return {
      method,
      path,
      ...(operationId ? { operationId } : {}),
      tags: [tag],
      summary,
      security,
      ...extra,
      responses: Object.fromEntries(
        Object.entries({ ...common, ...responses }).map(([k, v]) => [String(k), v]),
      ),
    };
  };
  const body = (schema: z.ZodType) => ({
    body: { required: true, content: { 'application/json': { schema } } },
  });
  const invalid = problem('The body is invalid (errors[] names each field)');

  return [
    r(
      'post',
      '/v1/users',
      'Users',
      'Create a user and their first API key',
      'admin',
      {
        201: json('The user and their API key (shown once)', createdUserSchema),
        409: problem('A user with this email exists'),
        422: invalid,
      },
      { request: body(createUserBodySchema) },
    ),
    r(
      'get',
      '/v1/users/{id}',
      'Users',
      'A user, with their storage use against their quota',
      'admin',
      { 200: json('The user', adminUserSchema), 404: problem('No such user') },
      { request: { params: idParams } },
    ),
    r(
      'patch',
      '/v1/users/{id}',
      'Users',
      "Set a user's pre-generation tier, storage quota and high-priority allowance (highPriorityPerDay)",
      'admin',
      { 200: json('The user, updated', adminUserSchema), 404: problem('No such user'), 422: invalid },
      { request: { params: idParams, ...body(updateUserBodySchema) } },
    ),
    r(
      'get',
      '/v1/users',
      'Users',
      'Users, newest first; q finds them by part of the e-mail',
      'admin',
      {
        200: json('A page of users', pageOf(userSchema, 'UserPage')),
        400: problem('Invalid query'),
      },
      { request: { query: usersQuerySchema } },
    ),
    r(
      'get',
      '/v1/users/{id}/keys',
      'Users',
      "A user's active API keys (prefixes, never the keys)",
      'admin',
      {
        200: json('Keys (without secrets)', z.object({ items: z.array(apiKeySchema) })),
        404: problem('No such user'),
      },
      { request: { params: idParams } },
    ),
    r(
      'delete',
      '/v1/users/{id}/keys/{keyId}',
      'Users',
      "Revoke one of a user's API keys (a leaked key)",
      'admin',
      { 204: { description: 'Revoked' }, 404: problem('No such active key of this user') },
      {
        request: {
          params: idParams.extend({ keyId: z.string().openapi({ description: 'The key id (GET …/keys)' }) }),
        },
      },
    ),
    r('get', '/v1/me', 'Users', 'Your profile, feed URL and webhook secret', 'user', {
      200: json('You', meSchema),
    }),
    r(
      'patch',
      '/v1/me',
      'Users',
      'Update saved sources, style, timezone, schedule, webhook',
      'user',
      {
        200: json('You, updated', meSchema),
        422: invalid,
      },
      { request: body(updateMeBodySchema) },
    ),
    r('post', '/v1/me/feed-token', 'Users', 'Rotate the feed URL (the old one stops working)', 'user', {
      200: json('You, with a new feed URL', meSchema),
    }),
    r('get', '/v1/me/podcast', 'Users', 'How your feed presents your show (defaults filled in)', 'user', {
      200: json('Your show', podcastShowSchema),
    }),
    r(
      'patch',
      '/v1/me/podcast',
      'Users',
      "Set your show's title, description, author, owner e-mail, language, category, explicit flag, cover colour (null: back to the default)",
      'user',
      { 200: json('Your show, updated (a generated cover is redrawn)', podcastShowSchema), 422: invalid },
      { request: body(showUpdateDoc) },
    ),
    r(
      'put',
      '/v1/me/podcast/cover',
      'Users',
      `Upload your own cover: the image itself as the body, a square PNG or JPEG of ${COVER_MIN_PX}–${COVER_MAX_PX} px under ${COVER_MAX_BYTES / 1024} KB (checked by its bytes)`,
      'user',
      {
        200: json('Your show, with the uploaded cover', podcastShowSchema),
        413: problem('Body larger than 1 MB'),
        415: problem('Not sent as image/png, image/jpeg or application/octet-stream'),
        422: problem('Not an acceptable cover: errors[] says why (type, size, not square, truncated)'),
      },
      {
        request: {
          body: {
            required: true,
            content: Object.fromEntries(
              ['image/png', 'image/jpeg', 'application/octet-stream'].map((type) => [
                type,
                { schema: z.string().openapi({ format: 'binary' }) },
              ]),
            ),
          },
        },
      },
    ),
    r('delete', '/v1/me/podcast/cover', 'Users', 'Go back to the generated cover', 'user', {
      200: json('Your show, with the generated cover', podcastShowSchema),
    }),
    r('get', '/v1/keys', 'Keys', 'Your active API keys', 'user', {
      200: json('Keys (without secrets)', z.object({ items: z.array(apiKeySchema) })),
    }),
    r(
      'post',
      '/v1/keys',
      'Keys',
      'Create an API key',
      'user',
      {
        201: json('The key (shown once)', createdKeySchema),
        409: problem('You hold USER_MAX_API_KEYS active keys: revoke one first'),
        422: invalid,
      },
      {
        request: body(createKeyBodySchema),
      },
    ),
    r(
      'delete',
      '/v1/keys/{id}',
      'Keys',
      'Revoke an API key',
      'user',
      { 204: { description: 'Revoked' }, 404: problem('No such key of yours') },
      {
        request: { params: idParams },
      },
    ),
    r(
      'post',
      '/v1/episodes',
      'Episodes',
      'Request an episode',
      'user',
      {
        200: {
          ...json(
            "Daily/weekly: today's (this ISO week's) episode, from the cache; no job is made",
            cachedEpisodeSchema,
          ),
          headers: { 'X-Podfleet-Cache': cacheHeader },
        },
        202: {
          ...json(
            'Job ticket: poll pollUrl or follow eventsUrl. deduplicated: an in-flight job of the same day (or the same Idempotency-Key) answers',
            ticketSchema,
          ),
          headers: { 'X-Podfleet-Cache': cacheHeader },
        },
        400: problem('Malformed JSON or Idempotency-Key'),
        403: problem(
          'priority "high" without the allowance the admin grants, or past today\'s (type urn:podfleet:problem:priority-not-allowed; highPriorityPerDay member), or the admin key',
        ),
        409: problem(
          'Storage quota exceeded (type urn:podfleet:problem:quota-exceeded; usedBytes and quotaBytes members)',
        ),
        422: invalid,
        429: problem('Too many requests this minute (Retry-After)'),
        503: problem('Queue full or Redis down (Retry-After)'),
      },
      {
        request: {
          ...body(episodeRequestDoc),
          headers: z.object({
            'Idempotency-Key': z
              .string()
              .optional()
              .openapi({ description: 'Same key within 24 h: the first answer again' }),
          }),
        },
      },
    ),
    r(
      'post',
      '/v1/uploads',
      'Episodes',
      "Make an episode from an audio file: the file (and its transcript, if any) as multipart/form-data, streamed to storage; the job normalises it to the feed's MP3 at −16 LUFS and publishes an episode of type upload",
      'user',
      {
        202: json(
          'Job ticket: poll pollUrl or follow eventsUrl (deduplicated is always false)',
          ticketSchema,
        ),
        400: problem('The form cannot be read: cut short, or not multipart/form-data with a boundary'),
        409: problem(
          'Storage quota exceeded (type urn:podfleet:problem:quota-exceeded; usedBytes and quotaBytes members)',
        ),
        413: problem(
          'The audio is over UPLOAD_MAX_BYTES (or the transcript over 5 MB): refused from Content-Length before a byte is stored, or once the limit is reached; nothing is kept',
        ),
        415: problem(
          "Not multipart/form-data, or the audio's bytes are not MP3, M4A/AAC, WAV, FLAC or Ogg (the detail names what they are)",
        ),
        422: problem(
          'No audio file or no title (errors[] names the field), or the transcript cannot be read (type urn:podfleet:problem:invalid-transcript; the detail names the line)',
        ),
        429: problem('Too many uploads this minute (Retry-After)'),
        503: problem('Queue full or Redis down (Retry-After)'),
      },
      {
        request: {
          body: { required: true, content: { 'multipart/form-data': { schema: uploadFormSchema } } },
        },
      },
    ),
    r(
      'get',
      '/v1/voices',
      'Episodes',
      "The voices and languages of the fleet's TTS engine (and the languages its script writer writes), for style.hosts[].voice and style.language; a voice or language the fleet does not offer is a 422 naming the valid ones",
      'userOrAdmin',
      {
        200: json('The engine, its voices, languages and default voices', voiceListDoc),
        503: problem('No audio worker has published its voices yet (Retry-After)'),
      },
    ),
    r(
      'get',
      '/v1/episodes',
      'Episodes',
      'Your episodes, newest first',
      'userOrAdmin',
      {
        200: json('A page of episodes', pageOf(episodeSchema, 'EpisodePage')),
        400: problem('Invalid cursor or limit'),
      },
      { request: { query: pageQuerySchema } },
    ),
    r(
      'get',
      '/v1/episodes/{id}',
      'Episodes',
      'One episode',
      'userOrAdmin',
      { 200: json('The episode', episodeSchema), 404: problem('Not found or not yours') },
      {
        request: { params: idParams },
      },
    ),
    ...(['get', 'head'] as const).map((method) =>
      r(
        method,
        '/v1/episodes/{id}/audio',
        'Episodes',
        method === 'get'
          ? 'The MP3 (Range supported); with ?exp=&sig= no auth header is needed'
          : "The MP3's headers (size, type, ETag) without the body",
        'userOrSigned',
        {
          200: {
            description: method === 'get' ? 'The whole file' : 'Content-Length is the whole size',
            ...(method === 'get'
              ? { content: { 'audio/mpeg': { schema: z.string().openapi({ format: 'binary' }) } } }
              : {}),
          },
          206: { description: 'Partial content (Content-Range)' },
          302: { description: 'Redirect to a presigned object-storage URL (s3 driver)' },
          403: problem('Signature invalid or expired'),
          404: problem('Not found or not yours'),
          416: problem('Range not satisfiable'),
        },
        {
          request: {
            params: idParams,
            query: z.object(signedQuery),
            headers: z.object({ Range: z.string().optional().openapi({ example: 'bytes=0-1023' }) }),
          },
        },
      ),
    ),
    r(
      'get',
      '/v1/episodes/{id}/transcript',
      'Episodes',
      'Timed transcript; with ?exp=&sig= (the links of a feed) no auth header is needed',
      'userOrSigned',
      {
        200: {
          description:
            'json: {episodeId, segments}; podcast-json: the Podcasting 2.0 JSON transcript {version, segments: [{speaker, startTime, endTime, body}]}; vtt: WebVTT; srt: SubRip; txt: one line per turn',
          content: {
            'application/json': { schema: transcriptSchema },
            'text/vtt': { schema: z.string() },
            'application/x-subrip': { schema: z.string() },
            'text/plain': { schema: z.string() },
          },
        },
        400: problem('format is not json, podcast-json, vtt, srt or txt'),
        403: problem('Signature invalid or expired'),
        404: problem('Not found or not yours'),
      },
      {
        request: {
          params: idParams,
          query: z.object({
            format: z.enum(['json', 'podcast-json', 'vtt', 'srt', 'txt']).default('json'),
            ...signedQuery,
          }),
        },
      },
    ),
    r(
      'get',
      '/v1/episodes/{id}/chapters',
      'Episodes',
      'Chapters as Podcasting 2.0 JSON chapters (the same start times as the MP3 ID3 chapters); with ?exp=&sig= no auth header is needed',
      'userOrSigned',
      {
        200: {
          description: '{version: "1.2.0", chapters: [{startTime, title}]}',
          content: {
            'application/json+chapters': {
              schema: z.object({
                version: z.string(),
                chapters: z.array(z.object({ startTime: z.number(), title: z.string() })),
              }),
            },
          },
        },
        403: problem('Signature invalid or expired'),
        404: problem('Not found or not yours'),
      },
      { request: { params: idParams, query: z.object(signedQuery) } },
    ),
    r(
      'post',
      '/v1/episodes/{id}/listens',
      'Episodes',
      'Record a listen (pre-generation targeting)',
      'user',
      {
        204: { description: 'Recorded' },
        404: problem('Not found or not yours'),
      },
      { request: { params: idParams } },
    ),
    // Promo clips (docs/clips.md).
    r(
      'post',
      '/v1/episodes/{id}/clips',
      'Clips',
      'Cut promo clips from an episode: a clips job (progress, SSE, cancel and retry like any job)',
      'user',
      {
        200: json(
          'The same request (episode and normalised parameters) was already served: its clips',
          clipListSchema,
        ),
        202: json('A clips job was made (or one in flight for the same request answers)', ticketSchema),
        404: problem('Episode not found or not yours'),
        409: problem('A transcript is needed: the episode has no timed transcript'),
        422: problem(
          'The body is invalid, or no clip of the asked length fits the episode (type episode-too-short)',
        ),
      },
      { request: { params: idParams, ...body(clipRequestDoc) } },
    ),
    r(
      'get',
      '/v1/episodes/{id}/clips',
      'Clips',
      "The episode's clips, newest job first, best clip first",
      'userOrAdmin',
      { 200: json('Its clips', clipListSchema), 404: problem('Episode not found or not yours') },
      { request: { params: idParams } },
    ),
    r(
      'get',
      '/v1/clips/{id}',
      'Clips',
      'One clip',
      'userOrAdmin',
      { 200: json('The clip', clipSchema), 404: problem('Not found or not yours') },
      { request: { params: idParams } },
    ),
    r(
      'get',
      '/v1/clips/{id}/media',
      'Clips',
      "The clip's MP3 or vertical MP4 (Range supported); with ?exp=&sig= (media.mp3Url, mp4Url) no auth header is needed",
      'userOrSigned',
      {
        200: {
          description: 'The whole file',
          content: {
            'audio/mpeg': { schema: z.string().openapi({ format: 'binary' }) },
            'video/mp4': { schema: z.string().openapi({ format: 'binary' }) },
          },
        },
        206: { description: 'Partial content (Content-Range)' },
        302: { description: 'Redirect to a presigned object-storage URL (s3 driver)' },
        400: problem('format is not mp3 or mp4'),
        403: problem('Signature invalid or expired'),
        404: problem('Not found, not yours, or not rendered in that format'),
        416: problem('Range not satisfiable'),
      },
      {
        request: {
          params: idParams,
          query: z.object({ format: z.enum(['mp3', 'mp4']), ...signedQuery }),
          headers: z.object({ Range: z.string().optional().openapi({ example: 'bytes=0-1023' }) }),
        },
      },
    ),
    r(
      'delete',
      '/v1/clips/{id}',
      'Clips',
      'Delete a clip: its media and its record',
      'userOrAdmin',
      { 204: { description: 'Deleted' }, 404: problem('Not found or not yours') },
      { request: { params: idParams } },
    ),
    r(
      'post',
      '/v1/feedback',
      'Feedback',
      "Like, dislike, rate (1–5), report or comment on one of your episodes or clips; clip likes and ratings teach your clip scorer for the clip's platform",
      'user',
      {
        201: json('The feedback, stored (a clip: its episode and platform filled in)', feedbackSchema),
        404: problem('The episode or clip is not found or not yours'),
        422: problem(
          'The body is invalid (errors[] names each field): no episodeId or clipId, a rating missing or where it does not belong, a comment without text or over 2000 characters, a clip of another episode',
        ),
        429: problem('More than USER_FEEDBACK_PER_MINUTE this minute (Retry-After)'),
      },
      { request: body(feedbackBodySchema) },
    ),
    r(
      'get',
      '/v1/feedback',
      'Feedback',
      'Your feedback, newest first; on one episode or clip when given',
      'user',
      {
        200: json('A page of feedback', pageOf(feedbackSchema, 'FeedbackPage')),
        400: problem('Invalid query'),
      },
      { request: { query: feedbackQuerySchema } },
    ),
    r(
      'get',
      '/v1/jobs',
      'Jobs',
      'Your jobs, newest first',
      'userOrAdmin',
      {
        200: json('A page of jobs', pageOf(jobSchema, 'JobPage')),
        400: problem('Invalid query'),
      },
      { request: { query: pageQuerySchema.extend({ status: jobStatus.optional() }) } },
    ),
    r(
      'get',
      '/v1/jobs/{id}',
      'Jobs',
      'One job',
      'userOrAdmin',
      { 200: json('The job', jobSchema), 404: problem('Not found or not yours') },
      {
        request: { params: idParams },
      },
    ),
    r(
      'get',
      '/v1/jobs/{id}/history',
      'Jobs',
      'What happened to a job: its events, stage attempts (durations, artifacts) and webhook deliveries',
      'userOrAdmin',
      { 200: json('The history', jobHistorySchema), 404: problem('Not found or not yours') },
      { request: { params: idParams } },
    ),
    r(
      'get',
      '/v1/jobs/{id}/events',
      'Jobs',
      'Live progress (Server-Sent Events)',
      'userOrAdmin',
      {
        200: {
          description:
            '`progress` events (data: ProgressEvent; their id names the state), then one `completed`, `failed` or `cancelled` event (data: Job, id `end`), then the stream ends. Comments every 15 s keep it alive. A stream lasts at most SSE_MAX_STREAM_SEC: the client reconnects with Last-Event-ID and is not sent the state it has again.',
          // OpenAPI 3.1 has no way to type each event (3.2's itemSchema): the description names it.
          content: {
            'text/event-stream': {
              schema: z.string().openapi({
                description:
                  "Each event's data is JSON: a ProgressEvent (#/components/schemas/ProgressEvent) or a Job",
              }),
            },
          },
        },
        204: { description: 'Reconnect after the end event (Last-Event-ID: end): nothing more to send' },
        404: problem('Not found or not yours'),
        429: problem(
          'USER_MAX_STREAMS streams of yours are open (every replica), or this replica holds MAX_STREAMS, or too many failed authentications: Retry-After',
        ),
        503: problem("Redis is unavailable: this replica cannot hear the job's events (Retry-After)"),
      },
      { request: { params: idParams } },
    ),
    r(
      'delete',
      '/v1/jobs/{id}',
      'Jobs',
      'Cancel a job',
      'userOrAdmin',
      {
        200: json('The cancelled job', jobSchema),
        404: problem('Not found or not yours'),
        409: problem('Already finished'),
      },
      { request: { params: idParams } },
    ),
    r(
      'post',
      '/v1/jobs/{id}/retry',
      'Jobs',
      'Retry a failed or cancelled job from its first unfinished stage',
      'userOrAdmin',
      {
        202: json('The re-queued job', jobSchema),
        404: problem('Not found or not yours'),
        409: problem('Not failed or cancelled'),
      },
      { request: { params: idParams } },
    ),
    r(
      'get',
      '/v1/admin/jobs',
      'Operators',
      'Search jobs across users',
      'admin',
      {
        200: json('A page of jobs', pageOf(adminJobSchema, 'AdminJobPage')),
        400: problem('Invalid query'),
      },
      {
        request: {
          query: pageQuerySchema.extend({
            userId: z.string().optional(),
            status: jobStatus.optional(),
            q: z.string().optional().openapi({
              description: 'Matches job id, user email, error message, episode and source titles',
            }),
            errorCode: z
              .string()
              .optional()
              .openapi({ description: 'The error code, exactly (e.g. TTS_FAILED)' }),
          }),
        },
      },
    ),
    r(
      'get',
      '/v1/admin/active-jobs',
      'Operators',
      'What runs now: jobs queued or running, oldest first, with their age and idle time',
      'admin',
      { 200: json('Active jobs', activeJobsSchema), 400: problem('Invalid limit') },
      { request: { query: activeJobsQuerySchema } },
    ),
    r(
      'get',
      '/v1/admin/failures',
      'Operators',
      'Top error codes by stage and provider over a window, with an example job each',
      'admin',
      {
        200: json('Failure groups, the most frequent first', failuresSchema),
        400: problem('Invalid hours or limit'),
      },
      { request: { query: failuresQuerySchema } },
    ),
    r(
      'get',
      '/v1/queue/stats',
      'Operators',
      'Each queue: waiting, prioritized, active, delayed, failed; finished per minute over the last hour; the oldest waiting job',
      'admin',
      { 200: json('Queue figures', queueStatsSchema) },
    ),
    r(
      'get',
      '/v1/stats',
      'Operators',
      'Job statistics, queue counts, cache hit rate, pre-generation runs, cost per user per day, time to first audio, daily history, feedback (ratings, likes and dislikes per clip platform and feature)',
      'admin',
      { 200: json('Statistics', statsSchema), 400: problem('Invalid days') },
      { request: { query: statsQuerySchema } },
    ),
    r(
      'get',
      '/v1/feeds/{token}.xml',
      'Feeds',
      'Your private podcast feed (RSS 2.0, iTunes and Podcasting 2.0 tags); the token is in GET /v1/me feedUrl',
      'none',
      {
        200: {
          ...rss(
            'One item per unexpired episode, newest first; enclosure, transcript and chapters URLs are signed (no headers needed) and valid while the episode is listed',
          ),
          headers: {
            ETag: { description: 'Hash of the feed', schema: { type: 'string' as const } },
            'Last-Modified': {
              description: 'When this feed was first served',
              schema: { type: 'string' as const },
            },
          },
        },
        ...conditional,
        404: problem('Unknown or rotated token'),
      },
      { request: { params: z.object({ token: z.string().openapi({ description: 'Feed token' }) }) } },
    ),
    r(
      'get',
      '/v1/feeds/{token}/cover.{extension}',
      'Feeds',
      "The show's square cover (itunes:image), generated or uploaded",
      'none',
      {
        200: {
          description: 'The image (ETag: its SHA-256)',
          content: Object.fromEntries(
            ['image/png', 'image/jpeg'].map((type) => [
              type,
              { schema: z.string().openapi({ format: 'binary' }) },
            ]),
          ),
        },
        ...conditional,
        404: problem('Unknown or rotated token, or the cover is of the other type'),
      },
      {
        request: {
          params: z.object({
            token: z.string().openapi({ description: 'Feed token' }),
            extension: z.enum(['png', 'jpg']),
          }),
        },
      },
    ),
    r(
      'post',
      '/v1/cron/pregenerate',
      'Operators',
      "Pre-generate every due user's daily/weekly episode now (for an external scheduler)",
      'cron',
      {
        200: json('What the run decided for each user', pregenerationRunSchema),
        404: problem('CRON_SECRET is not set: the endpoint is off'),
      },
    ),
    r(
      'get',
      '/samples/feed.xml',
      'Operators',
      "The bundled sample RSS feed (the demo episode's rss source)",
      'none',
      {
        200: rss('The sample feed'),
      },
    ),
    r('get', '/health', 'Operators', 'Redis, PostgreSQL and storage reachability', 'none', {
      200: json('All three answer', healthSchema),
      503: problem('Names what is down (redis, db, storage)'),
    }),
    r(
      'get',
      '/metrics',
      'Operators',
      'Prometheus metrics (podfleet_*)',
      'metrics',
      {
        200: { description: 'Prometheus text format', content: { 'text/plain': { schema: z.string() } } },
        400: problem('A name that is no metric of this registry'),
        401: problem('METRICS_TOKEN is set and was not sent as Authorization: Bearer'),
      },
      { request: { query: metricsQuerySchema } },
    ),
    r('get', '/openapi.json', 'Operators', 'This document', 'none', { 200: { description: 'OpenAPI 3.1' } }),
    r('get', '/docs', 'Operators', 'An API reference with examples and "try it" (Swagger UI)', 'none', {
      200: { description: 'HTML' },
    }),
    r('get', '/admin/queues', 'Operators', 'Bull Board over every queue', 'bullBoard', {
      200: { description: 'HTML (read-only for BULL_BOARD_VIEWERS: actions answer 405)' },
      404: problem('Bull Board is off: neither BULL_BOARD_USERS nor BULL_BOARD_VIEWERS is set'),
    }),
  ];
}

export function openApiDocument(serverUrl: string): ReturnType<OpenApiGeneratorV31['generateDocument']> {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'apiKey', {
    type: 'http',
    scheme: 'bearer',
    description: 'A user API key (pf_…)',
  });
  registry.registerComponent('securitySchemes', 'adminKey', {
    type: 'http',
    scheme: 'bearer',
    description: 'ADMIN_API_KEY',
  });
  registry.registerComponent('securitySchemes', 'bullBoard', {
    type: 'http',
    scheme: 'basic',
    description: 'A BULL_BOARD_USERS (operator) or BULL_BOARD_VIEWERS (read-only) name and password',
  });
  registry.registerComponent('securitySchemes', 'metricsToken', {
    type: 'http',
    scheme: 'bearer',
    description: 'METRICS_TOKEN (GET /metrics, when set)',
  });
  registry.registerComponent('securitySchemes', 'cronSecret', {
    type: 'http',
    scheme: 'bearer',
    description: 'CRON_SECRET',
  });
  registry.register('ProgressEvent', progressEventSchema);
  for (const route of routes()) registry.registerPath(route);
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'podfleet API',
      version: '1.0.0',
      description:
        "Turns sources into two-host podcast episodes. Errors are application/problem+json. User keys see only their own records (another user's id is 404).",
      license: { name: 'MIT', identifier: 'MIT' },
    },
    servers: [{ url: serverUrl }],
  });
}

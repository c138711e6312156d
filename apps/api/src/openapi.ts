import {
  OpenAPIRegistry,
  OpenApiGeneratorV31,
  type ResponseConfig,
  type RouteConfig,
} from '@asteasolutions/zod-to-openapi';
import { COVER_MAX_BYTES, COVER_MAX_PX, COVER_MIN_PX } from '@podfleet/artwork';
import { clipRequestSchema } from '@podfleet/clips';
import { episodeRequestSchema, scriptEditSchema } from '@podfleet/pipeline';
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
  archiveListSchema,
  archiveQuerySchema,
  cachedEpisodeSchema,
  clipListSchema,
  clipSchema,
  createdKeySchema,
  createdUserSchema,
  createKeyBodySchema,
  createUserBodySchema,
  episodeSchema,
  episodeScriptSchema,
  episodeVersionsSchema,
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
  rerenderBodySchema,
  rerenderTicketSchema,
  restoredClipSchema,
  statsQuerySchema,
  statsSchema,
  storageStatsSchema,
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
const scriptEditDoc = scriptEditSchema.clone().openapi('ScriptEdit', {
  description:
    "The whole script: lines keep the ids GET gave them (a line without one is new); title and description default to the current ones. Validated as the pipeline validates a writer's script, and every speaker must be a host, every chapter index exist",
});
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
const rangeHeaders = z.object({ Range: z.string().optional().openapi({ example: 'bytes=0-1023' }) });
/** What a media route that takes Range answers besides the whole file; 404 says `notFound`. */
const rangedMediaResponses = (notFound: string): Record<number, ResponseConfig> => ({
  206: { description: 'Partial content (Content-Range)' },
  302: { description: 'Redirect to a presigned object-storage URL (s3 driver)' },
  403: problem('Signature invalid or expired'),
  404: problem(notFound),
  416: problem('Range not satisfiable'),
});
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
  'get /v1/episodes/{id}/script': 'getEpisodeScript',
  'put /v1/episodes/{id}/script': 'editEpisodeScript',
  'post /v1/episodes/{id}/rerender': 'rerenderEpisode',
  'get /v1/episodes/{id}/versions': 'listEpisodeVersions',
  'get /v1/episodes/{id}/versions/{version}/audio': 'getEpisodeVersionAudio',
  'get /v1/jobs': 'listJobs',
  'get /v1/jobs/{id}': 'getJob',
  'delete /v1/jobs/{id}': 'cancelJob',
  'get /v1/jobs/{id}/history': 'getJobHistory',
  'get /v1/jobs/{id}/events': 'streamJobEvents',
  'post /v1/jobs/{id}/retry': 'retryJob',
  'get /v1/admin/jobs': 'searchJobs',
  'get /v1/admin/active-jobs': 'listActiveJobs',
  'get /v1/admin/failures': 'listFailures',
  'get /v1/storage/stats': 'getStorageStats',
  'get /v1/admin/archive': 'listArchive',
  'post /v1/admin/episodes/{id}/restore': 'restoreEpisode',
  'post /v1/admin/clips/{id}/restore': 'restoreClip',
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

type RouteRequest = NonNullable<RouteConfig['request']>;

/** One documented route: `endpoint` is `'<method> <path>'`; a body given as a schema is required JSON. */
interface RouteSpec {
  endpoint: string;
  tag: string;
  auth: Auth;
  summary: string;
  params?: RouteRequest['params'];
  query?: RouteRequest['query'];
  headers?: RouteRequest['headers'];
  body?: z.ZodType | NonNullable<RouteRequest['body']>;
  responses: Record<number, ResponseConfig>;
}

const jsonBody = (schema: z.ZodType) => ({ required: true, content: { 'application/json': { schema } } });

/** Every documented route, in the order the reference lists them. */
function routes(): RouteConfig[] {
  const route = ({
    endpoint,
    tag,
    auth,
    summary,
    params,
    query,
    headers,
    body,
    responses,
  }: RouteSpec): RouteConfig => {
    const [method, path] = endpoint.split(' ') as [RouteConfig['method'], string];
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
    if (body) {
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
    const operationId = operationIds[endpoint];
    return {
      method,
      path,
      ...(operationId ? { operationId } : {}),
      tags: [tag],
      summary,
      security,
      ...(params || query || headers || body
        ? {
            request: {
              params,
              query,
              headers,
              body: body && 'content' in body ? body : body && jsonBody(body),
            },
          }
        : {}),
      responses: Object.fromEntries(
        Object.entries({ ...common, ...responses }).map(([k, v]) => [String(k), v]),
      ),
    };
  };
  const invalid = problem('The body is invalid (errors[] names each field)');

  return [
    route({
      endpoint: 'post /v1/users',
      tag: 'Users',
      auth: 'admin',
      summary: 'Create a user and their first API key',
      body: createUserBodySchema,
      responses: {
        201: json('The user and their API key (shown once)', createdUserSchema),
        409: problem('A user with this email exists'),
        422: invalid,
      },
    }),
    route({
      endpoint: 'get /v1/users/{id}',
      tag: 'Users',
      auth: 'admin',
      summary: 'A user, with their storage use against their quota',
      params: idParams,
      responses: { 200: json('The user', adminUserSchema), 404: problem('No such user') },
    }),
    route({
      endpoint: 'patch /v1/users/{id}',
      tag: 'Users',
      auth: 'admin',
      summary:
        "Set a user's pre-generation tier, storage quota and high-priority allowance (highPriorityPerDay)",
      params: idParams,
      body: updateUserBodySchema,
      responses: {
        200: json('The user, updated', adminUserSchema),
        404: problem('No such user'),
        422: invalid,
      },
    }),
    route({
      endpoint: 'get /v1/users',
      tag: 'Users',
      auth: 'admin',
      summary: 'Users, newest first; q finds them by part of the e-mail',
      query: usersQuerySchema,
      responses: {
        200: json('A page of users', pageOf(userSchema, 'UserPage')),
        400: problem('Invalid query'),
      },
    }),
    route({
      endpoint: 'get /v1/users/{id}/keys',
      tag: 'Users',
      auth: 'admin',
      summary: "A user's active API keys (prefixes, never the keys)",
      params: idParams,
      responses: {
        200: json('Keys (without secrets)', z.object({ items: z.array(apiKeySchema) })),
        404: problem('No such user'),
      },
    }),
    route({
      endpoint: 'delete /v1/users/{id}/keys/{keyId}',
      tag: 'Users',
      auth: 'admin',
      summary: "Revoke one of a user's API keys (a leaked key)",
      params: idParams.extend({ keyId: z.string().openapi({ description: 'The key id (GET …/keys)' }) }),
      responses: { 204: { description: 'Revoked' }, 404: problem('No such active key of this user') },
    }),
    route({
      endpoint: 'get /v1/me',
      tag: 'Users',
      auth: 'user',
      summary: 'Your profile, feed URL and webhook secret',
      responses: {
        200: json('You', meSchema),
      },
    }),
    route({
      endpoint: 'patch /v1/me',
      tag: 'Users',
      auth: 'user',
      summary: 'Update saved sources, style, timezone, schedule, webhook',
      body: updateMeBodySchema,
      responses: {
        200: json('You, updated', meSchema),
        422: invalid,
      },
    }),
    route({
      endpoint: 'post /v1/me/feed-token',
      tag: 'Users',
      auth: 'user',
      summary: 'Rotate the feed URL (the old one stops working)',
      responses: {
        200: json('You, with a new feed URL', meSchema),
      },
    }),
    route({
      endpoint: 'get /v1/me/podcast',
      tag: 'Users',
      auth: 'user',
      summary: 'How your feed presents your show (defaults filled in)',
      responses: {
        200: json('Your show', podcastShowSchema),
      },
    }),
    route({
      endpoint: 'patch /v1/me/podcast',
      tag: 'Users',
      auth: 'user',
      summary:
        "Set your show's title, description, author, owner e-mail, language, category, explicit flag, cover colour (null: back to the default)",
      body: showUpdateDoc,
      responses: {
        200: json('Your show, updated (a generated cover is redrawn)', podcastShowSchema),
        422: invalid,
      },
    }),
    route({
      endpoint: 'put /v1/me/podcast/cover',
      tag: 'Users',
      auth: 'user',
      summary: `Upload your own cover: the image itself as the body, a square PNG or JPEG of ${COVER_MIN_PX}–${COVER_MAX_PX} px under ${COVER_MAX_BYTES / 1024} KB (checked by its bytes)`,
      body: {
        required: true,
        content: Object.fromEntries(
          ['image/png', 'image/jpeg', 'application/octet-stream'].map((type) => [
            type,
            { schema: z.string().openapi({ format: 'binary' }) },
          ]),
        ),
      },
      responses: {
        200: json('Your show, with the uploaded cover', podcastShowSchema),
        413: problem('Body larger than 1 MB'),
        415: problem('Not sent as image/png, image/jpeg or application/octet-stream'),
        422: problem('Not an acceptable cover: errors[] says why (type, size, not square, truncated)'),
      },
    }),
    route({
      endpoint: 'delete /v1/me/podcast/cover',
      tag: 'Users',
      auth: 'user',
      summary: 'Go back to the generated cover',
      responses: {
        200: json('Your show, with the generated cover', podcastShowSchema),
      },
    }),
    route({
      endpoint: 'get /v1/keys',
      tag: 'Keys',
      auth: 'user',
      summary: 'Your active API keys',
      responses: {
        200: json('Keys (without secrets)', z.object({ items: z.array(apiKeySchema) })),
      },
    }),
    route({
      endpoint: 'post /v1/keys',
      tag: 'Keys',
      auth: 'user',
      summary: 'Create an API key',
      body: createKeyBodySchema,
      responses: {
        201: json('The key (shown once)', createdKeySchema),
        409: problem('You hold USER_MAX_API_KEYS active keys: revoke one first'),
        422: invalid,
      },
    }),
    route({
      endpoint: 'delete /v1/keys/{id}',
      tag: 'Keys',
      auth: 'user',
      summary: 'Revoke an API key',
      params: idParams,
      responses: { 204: { description: 'Revoked' }, 404: problem('No such key of yours') },
    }),
    route({
      endpoint: 'post /v1/episodes',
      tag: 'Episodes',
      auth: 'user',
      summary: 'Request an episode',
      body: episodeRequestDoc,
      headers: z.object({
        'Idempotency-Key': z
          .string()
          .optional()
          .openapi({ description: 'Same key within 24 h: the first answer again' }),
      }),
      responses: {
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
        507: problem(
          "The fleet's storage quota (STORAGE_QUOTA_BYTES) is used up (type urn:podfleet:problem:fleet-storage-full; quota, usedBytes, limitBytes members)",
        ),
      },
    }),
    route({
      endpoint: 'post /v1/uploads',
      tag: 'Episodes',
      auth: 'user',
      summary:
        "Make an episode from an audio file: the file (and its transcript, if any) as multipart/form-data, streamed to storage; the job normalises it to the feed's MP3 at −16 LUFS and publishes an episode of type upload",
      body: { required: true, content: { 'multipart/form-data': { schema: uploadFormSchema } } },
      responses: {
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
    }),
    route({
      endpoint: 'get /v1/voices',
      tag: 'Episodes',
      auth: 'userOrAdmin',
      summary:
        "The voices and languages of the fleet's TTS engine (and the languages its script writer writes), for style.hosts[].voice and style.language; a voice or language the fleet does not offer is a 422 naming the valid ones",
      responses: {
        200: json('The engine, its voices, languages and default voices', voiceListDoc),
        503: problem('No audio worker has published its voices yet (Retry-After)'),
      },
    }),
    route({
      endpoint: 'get /v1/episodes',
      tag: 'Episodes',
      auth: 'userOrAdmin',
      summary: 'Your episodes, newest first',
      query: pageQuerySchema,
      responses: {
        200: json('A page of episodes', pageOf(episodeSchema, 'EpisodePage')),
        400: problem('Invalid cursor or limit'),
      },
    }),
    route({
      endpoint: 'get /v1/episodes/{id}',
      tag: 'Episodes',
      auth: 'userOrAdmin',
      summary: 'One episode',
      params: idParams,
      responses: { 200: json('The episode', episodeSchema), 404: problem('Not found or not yours') },
    }),
    ...(['get', 'head'] as const).map((method) =>
      route({
        endpoint: `${method} /v1/episodes/{id}/audio`,
        tag: 'Episodes',
        auth: 'userOrSigned',
        summary:
          method === 'get'
            ? 'The MP3 (Range supported); with ?exp=&sig= no auth header is needed'
            : "The MP3's headers (size, type, ETag) without the body",
        params: idParams,
        query: z.object(signedQuery),
        headers: rangeHeaders,
        responses: {
          200: {
            description: method === 'get' ? 'The whole file' : 'Content-Length is the whole size',
            ...(method === 'get'
              ? { content: { 'audio/mpeg': { schema: z.string().openapi({ format: 'binary' }) } } }
              : {}),
          },
          ...rangedMediaResponses('Not found or not yours'),
        },
      }),
    ),
    route({
      endpoint: 'get /v1/episodes/{id}/script',
      tag: 'Episodes',
      auth: 'userOrAdmin',
      summary: "The episode's newest script: hosts, chapters, lines with stable ids; its version is the ETag",
      params: idParams,
      responses: {
        200: {
          ...json('The script', episodeScriptSchema),
          headers: {
            ETag: {
              description: 'The script version, e.g. "2": send it as If-Match with PUT',
              schema: { type: 'string' },
            },
          },
        },
        404: problem('Not found or not yours, or the episode has no script (made from an upload)'),
      },
    }),
    route({
      endpoint: 'put /v1/episodes/{id}/script',
      tag: 'Episodes',
      auth: 'user',
      summary:
        "Replace the script and re-render: a job voices it (the scrape reused, no writer runs; lines whose text and voice are unchanged come from the clip cache, not paid for again) and publishes the episode's next version; the replaced one stays downloadable",
      params: idParams,
      body: scriptEditDoc,
      headers: z.object({
        'If-Match': z.string().openapi({ description: 'The ETag of GET …/script, e.g. "1"' }),
      }),
      responses: {
        202: {
          ...json('Ticket of the re-render job; version: the new script version', rerenderTicketSchema),
          headers: { ETag: { description: 'The new script version', schema: { type: 'string' } } },
        },
        404: problem('Not found or not yours, or the episode has no script'),
        412: problem(
          'If-Match is not the current script version (type urn:podfleet:problem:script-version-mismatch; currentVersion member, ETag header)',
        ),
        422: problem(
          'The script is invalid, or a voice is unknown (errors[] names each problem; the valid voices for a voice)',
        ),
        428: problem('No If-Match header'),
        429: problem('Too many requests this minute (Retry-After)'),
        503: problem('Queue full or Redis down (Retry-After)'),
      },
    }),
    route({
      endpoint: 'post /v1/episodes/{id}/rerender',
      tag: 'Episodes',
      auth: 'user',
      summary:
        "Re-voice the episode: the same script with new hosts' voices, rendered as its next version (no writer runs)",
      params: idParams,
      body: rerenderBodySchema,
      responses: {
        202: json('Ticket of the re-render job; version: the new script version', rerenderTicketSchema),
        404: problem('Not found or not yours, or the episode has no script'),
        422: problem(
          'A voice the engine does not offer (the detail names the valid ones) or a host the script lacks',
        ),
        429: problem('Too many requests this minute (Retry-After)'),
        503: problem('Queue full or Redis down (Retry-After)'),
      },
    }),
    route({
      endpoint: 'get /v1/episodes/{id}/versions',
      tag: 'Episodes',
      auth: 'userOrAdmin',
      summary:
        'The current version and those re-renders replaced (kept until the episode expires), each with a signed audio URL',
      params: idParams,
      responses: {
        200: json('The versions, newest first', episodeVersionsSchema),
        404: problem('Not found or not yours'),
      },
    }),
    route({
      endpoint: 'get /v1/episodes/{id}/versions/{version}/audio',
      tag: 'Episodes',
      auth: 'userOrSigned',
      summary:
        "One version's MP3 (Range supported); with ?exp=&sig= no auth header is needed (a re-rendered episode's feed enclosure)",
      params: idParams.extend({ version: z.string().openapi({ description: 'The version number' }) }),
      query: z.object(signedQuery),
      headers: rangeHeaders,
      responses: {
        200: {
          description: 'The whole file',
          content: { 'audio/mpeg': { schema: z.string().openapi({ format: 'binary' }) } },
        },
        ...rangedMediaResponses('Not found or not yours, or no such version (any more)'),
      },
    }),
    route({
      endpoint: 'get /v1/episodes/{id}/transcript',
      tag: 'Episodes',
      auth: 'userOrSigned',
      summary: 'Timed transcript; with ?exp=&sig= (the links of a feed) no auth header is needed',
      params: idParams,
      query: z.object({
        format: z.enum(['json', 'podcast-json', 'vtt', 'srt', 'txt']).default('json'),
        ...signedQuery,
      }),
      responses: {
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
    }),
    route({
      endpoint: 'get /v1/episodes/{id}/chapters',
      tag: 'Episodes',
      auth: 'userOrSigned',
      summary:
        'Chapters as Podcasting 2.0 JSON chapters (the same start times as the MP3 ID3 chapters); with ?exp=&sig= no auth header is needed',
      params: idParams,
      query: z.object(signedQuery),
      responses: {
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
    }),
    route({
      endpoint: 'post /v1/episodes/{id}/listens',
      tag: 'Episodes',
      auth: 'user',
      summary: 'Record a listen (pre-generation targeting)',
      params: idParams,
      responses: {
        204: { description: 'Recorded' },
        404: problem('Not found or not yours'),
      },
    }),
    // Promo clips (docs/clips.md).
    route({
      endpoint: 'post /v1/episodes/{id}/clips',
      tag: 'Clips',
      auth: 'user',
      summary: 'Cut promo clips from an episode: a clips job (progress, SSE, cancel and retry like any job)',
      params: idParams,
      body: clipRequestDoc,
      responses: {
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
    }),
    route({
      endpoint: 'get /v1/episodes/{id}/clips',
      tag: 'Clips',
      auth: 'userOrAdmin',
      summary: "The episode's clips, newest job first, best clip first",
      params: idParams,
      responses: { 200: json('Its clips', clipListSchema), 404: problem('Episode not found or not yours') },
    }),
    route({
      endpoint: 'get /v1/clips/{id}',
      tag: 'Clips',
      auth: 'userOrAdmin',
      summary: 'One clip',
      params: idParams,
      responses: { 200: json('The clip', clipSchema), 404: problem('Not found or not yours') },
    }),
    route({
      endpoint: 'get /v1/clips/{id}/media',
      tag: 'Clips',
      auth: 'userOrSigned',
      summary:
        "The clip's MP3 or vertical MP4 (Range supported); with ?exp=&sig= (media.mp3Url, mp4Url) no auth header is needed",
      params: idParams,
      query: z.object({ format: z.enum(['mp3', 'mp4']), ...signedQuery }),
      headers: rangeHeaders,
      responses: {
        200: {
          description: 'The whole file',
          content: {
            'audio/mpeg': { schema: z.string().openapi({ format: 'binary' }) },
            'video/mp4': { schema: z.string().openapi({ format: 'binary' }) },
          },
        },
        400: problem('format is not mp3 or mp4'),
        ...rangedMediaResponses('Not found, not yours, or not rendered in that format'),
      },
    }),
    route({
      endpoint: 'delete /v1/clips/{id}',
      tag: 'Clips',
      auth: 'userOrAdmin',
      summary: 'Delete a clip: its media and its record',
      params: idParams,
      responses: { 204: { description: 'Deleted' }, 404: problem('Not found or not yours') },
    }),
    route({
      endpoint: 'post /v1/feedback',
      tag: 'Feedback',
      auth: 'user',
      summary:
        "Like, dislike, rate (1–5), report or comment on one of your episodes or clips; clip likes and ratings teach your clip scorer for the clip's platform",
      body: feedbackBodySchema,
      responses: {
        201: json('The feedback, stored (a clip: its episode and platform filled in)', feedbackSchema),
        404: problem('The episode or clip is not found or not yours'),
        422: problem(
          'The body is invalid (errors[] names each field): no episodeId or clipId, a rating missing or where it does not belong, a comment without text or over 2000 characters, a clip of another episode',
        ),
        429: problem('More than USER_FEEDBACK_PER_MINUTE this minute (Retry-After)'),
      },
    }),
    route({
      endpoint: 'get /v1/feedback',
      tag: 'Feedback',
      auth: 'user',
      summary: 'Your feedback, newest first; on one episode or clip when given',
      query: feedbackQuerySchema,
      responses: {
        200: json('A page of feedback', pageOf(feedbackSchema, 'FeedbackPage')),
        400: problem('Invalid query'),
      },
    }),
    route({
      endpoint: 'get /v1/jobs',
      tag: 'Jobs',
      auth: 'userOrAdmin',
      summary: 'Your jobs, newest first',
      query: pageQuerySchema.extend({ status: jobStatus.optional() }),
      responses: {
        200: json('A page of jobs', pageOf(jobSchema, 'JobPage')),
        400: problem('Invalid query'),
      },
    }),
    route({
      endpoint: 'get /v1/jobs/{id}',
      tag: 'Jobs',
      auth: 'userOrAdmin',
      summary: 'One job',
      params: idParams,
      responses: { 200: json('The job', jobSchema), 404: problem('Not found or not yours') },
    }),
    route({
      endpoint: 'get /v1/jobs/{id}/history',
      tag: 'Jobs',
      auth: 'userOrAdmin',
      summary:
        'What happened to a job: its events, stage attempts (durations, artifacts) and webhook deliveries',
      params: idParams,
      responses: { 200: json('The history', jobHistorySchema), 404: problem('Not found or not yours') },
    }),
    route({
      endpoint: 'get /v1/jobs/{id}/events',
      tag: 'Jobs',
      auth: 'userOrAdmin',
      summary: 'Live progress (Server-Sent Events)',
      params: idParams,
      responses: {
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
    }),
    route({
      endpoint: 'delete /v1/jobs/{id}',
      tag: 'Jobs',
      auth: 'userOrAdmin',
      summary: 'Cancel a job',
      params: idParams,
      responses: {
        200: json('The cancelled job', jobSchema),
        404: problem('Not found or not yours'),
        409: problem('Already finished'),
      },
    }),
    route({
      endpoint: 'post /v1/jobs/{id}/retry',
      tag: 'Jobs',
      auth: 'userOrAdmin',
      summary: 'Retry a failed or cancelled job from its first unfinished stage',
      params: idParams,
      responses: {
        202: json('The re-queued job', jobSchema),
        404: problem('Not found or not yours'),
        409: problem('Not failed or cancelled'),
      },
    }),
    route({
      endpoint: 'get /v1/admin/jobs',
      tag: 'Operators',
      auth: 'admin',
      summary: 'Search jobs across users',
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
      responses: {
        200: json('A page of jobs', pageOf(adminJobSchema, 'AdminJobPage')),
        400: problem('Invalid query'),
      },
    }),
    route({
      endpoint: 'get /v1/admin/active-jobs',
      tag: 'Operators',
      auth: 'admin',
      summary: 'What runs now: jobs queued or running, oldest first, with their age and idle time',
      query: activeJobsQuerySchema,
      responses: { 200: json('Active jobs', activeJobsSchema), 400: problem('Invalid limit') },
    }),
    route({
      endpoint: 'get /v1/admin/failures',
      tag: 'Operators',
      auth: 'admin',
      summary: 'Top error codes by stage and provider over a window, with an example job each',
      query: failuresQuerySchema,
      responses: {
        200: json('Failure groups, the most frequent first', failuresSchema),
        400: problem('Invalid hours or limit'),
      },
    }),
    route({
      endpoint: 'get /v1/storage/stats',
      tag: 'Storage',
      auth: 'userOrAdmin',
      summary:
        'Stored bytes by kind against the quota: a user key sees its own (episodes, uploads, clips) and its limit; the admin key the fleet (archive too) and STORAGE_QUOTA_BYTES',
      responses: { 200: json('Usage and quota', storageStatsSchema) },
    }),
    route({
      endpoint: 'get /v1/admin/archive',
      tag: 'Storage',
      auth: 'admin',
      summary:
        'Archived (expired) episodes and clips, the most recently archived first, with the end of their restore window',
      query: archiveQuerySchema,
      responses: { 200: json('Archived items', archiveListSchema), 400: problem('Invalid userId or limit') },
    }),
    ...(['episodes', 'clips'] as const).map((kind) =>
      route({
        endpoint: `post /v1/admin/${kind}/{id}/restore`,
        tag: 'Storage',
        auth: 'admin',
        summary: `Restore an archived (expired) ${kind === 'episodes' ? 'episode' : 'clip'} within ARCHIVE_DAYS: its objects move back from archive/, it is listed again and expires again after EPISODE_RETENTION_DAYS`,
        params: idParams,
        responses: {
          200:
            kind === 'episodes'
              ? json('The episode, playable again', episodeSchema)
              : json('The clip, restored', restoredClipSchema),
          404: problem('No such id (also once deleted after ARCHIVE_DAYS)'),
          409: problem('Not archived (type urn:podfleet:problem:not-archived)'),
          410: problem(
            'Past ARCHIVE_DAYS, awaiting deletion, or its objects are gone (type urn:podfleet:problem:archive-expired)',
          ),
        },
      }),
    ),
    route({
      endpoint: 'get /v1/queue/stats',
      tag: 'Operators',
      auth: 'admin',
      summary:
        'Each queue: waiting, prioritized, active, delayed, failed; finished per minute over the last hour; the oldest waiting job',
      responses: { 200: json('Queue figures', queueStatsSchema) },
    }),
    route({
      endpoint: 'get /v1/stats',
      tag: 'Operators',
      auth: 'admin',
      summary:
        'Job statistics, queue counts, cache hit rate, pre-generation runs, cost per user per day, time to first audio, daily history, feedback (ratings, likes and dislikes per clip platform and feature)',
      query: statsQuerySchema,
      responses: { 200: json('Statistics', statsSchema), 400: problem('Invalid days') },
    }),
    route({
      endpoint: 'get /v1/feeds/{token}.xml',
      tag: 'Feeds',
      auth: 'none',
      summary:
        'Your private podcast feed (RSS 2.0, iTunes and Podcasting 2.0 tags); the token is in GET /v1/me feedUrl',
      params: z.object({ token: z.string().openapi({ description: 'Feed token' }) }),
      responses: {
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
    }),
    route({
      endpoint: 'get /v1/feeds/{token}/cover.{extension}',
      tag: 'Feeds',
      auth: 'none',
      summary: "The show's square cover (itunes:image), generated or uploaded",
      params: z.object({
        token: z.string().openapi({ description: 'Feed token' }),
        extension: z.enum(['png', 'jpg']),
      }),
      responses: {
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
    }),
    route({
      endpoint: 'post /v1/cron/pregenerate',
      tag: 'Operators',
      auth: 'cron',
      summary: "Pre-generate every due user's daily/weekly episode now (for an external scheduler)",
      responses: {
        200: json('What the run decided for each user', pregenerationRunSchema),
        404: problem('CRON_SECRET is not set: the endpoint is off'),
      },
    }),
    route({
      endpoint: 'get /samples/feed.xml',
      tag: 'Operators',
      auth: 'none',
      summary: "The bundled sample RSS feed (the demo episode's rss source)",
      responses: {
        200: rss('The sample feed'),
      },
    }),
    route({
      endpoint: 'get /health',
      tag: 'Operators',
      auth: 'none',
      summary: 'Redis, PostgreSQL and storage reachability',
      responses: {
        200: json('All three answer', healthSchema),
        503: problem('Names what is down (redis, db, storage)'),
      },
    }),
    route({
      endpoint: 'get /metrics',
      tag: 'Operators',
      auth: 'metrics',
      summary: 'Prometheus metrics (podfleet_*)',
      query: metricsQuerySchema,
      responses: {
        200: { description: 'Prometheus text format', content: { 'text/plain': { schema: z.string() } } },
        400: problem('A name that is no metric of this registry'),
        401: problem('METRICS_TOKEN is set and was not sent as Authorization: Bearer'),
      },
    }),
    route({
      endpoint: 'get /openapi.json',
      tag: 'Operators',
      auth: 'none',
      summary: 'This document',
      responses: { 200: { description: 'OpenAPI 3.1' } },
    }),
    route({
      endpoint: 'get /docs',
      tag: 'Operators',
      auth: 'none',
      summary: 'An API reference with examples and "try it" (Swagger UI)',
      responses: {
        200: { description: 'HTML' },
      },
    }),
    route({
      endpoint: 'get /admin/queues',
      tag: 'Operators',
      auth: 'bullBoard',
      summary: 'Bull Board over every queue',
      responses: {
        200: { description: 'HTML (read-only for BULL_BOARD_VIEWERS: actions answer 405)' },
        404: problem('Bull Board is off: neither BULL_BOARD_USERS nor BULL_BOARD_VIEWERS is set'),
      },
    }),
  ];
}

/** How each kind of credential is sent (the `security` of a route names them). */
const SECURITY_SCHEMES = {
  apiKey: { type: 'http', scheme: 'bearer', description: 'A user API key (pf_…)' },
  adminKey: { type: 'http', scheme: 'bearer', description: 'ADMIN_API_KEY' },
  bullBoard: {
    type: 'http',
    scheme: 'basic',
    description: 'A BULL_BOARD_USERS (operator) or BULL_BOARD_VIEWERS (read-only) name and password',
  },
  metricsToken: { type: 'http', scheme: 'bearer', description: 'METRICS_TOKEN (GET /metrics, when set)' },
  cronSecret: { type: 'http', scheme: 'bearer', description: 'CRON_SECRET' },
} as const;

export function openApiDocument(serverUrl: string): ReturnType<OpenApiGeneratorV31['generateDocument']> {
  const registry = new OpenAPIRegistry();
  for (const [name, scheme] of Object.entries(SECURITY_SCHEMES)) {
    registry.registerComponent('securitySchemes', name, scheme);
  }
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

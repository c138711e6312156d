import { CronExpressionParser } from 'cron-parser';
import { z } from 'zod';

/** Boolean env values: only explicit words, so a typo is an error rather than a silent false. */
const envBoolean = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'expected true or false' })
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);
const numberBetween = (min: number, max: number, fallback: number) =>
  z.coerce.number().min(min).max(max).default(fallback);
/** A whole number of at least min, and at most max when there is one. */
const wholeNumber = (min: number, max?: number) => {
  const atLeast = z.coerce.number().int().min(min);
  return max === undefined ? atLeast : atLeast.max(max);
};
const intBetween = (min: number, max: number, fallback: number) => wholeNumber(min, max).default(fallback);

const url = (protocols: string[], what: string) =>
  z.string().refine(
    (value) => {
      try {
        return protocols.includes(new URL(value).protocol);
      } catch {
        return false;
      }
    },
    { message: `expected ${what}` },
  );

/**
 * OTEL_EXPORTER_OTLP_HEADERS as the OpenTelemetry spec writes it: `key=value` pairs separated by
 * commas, values percent-encoded (`Authorization=Basic%20abc`).
 */
const otlpHeaders = z.string().transform((raw, ctx): Record<string, string> => {
  const headers: Record<string, string> = {};
  const pairs = raw
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  for (const [index, pair] of pairs.entries()) {
    const eq = pair.indexOf('=');
    const key = pair.slice(0, eq).trim();
    let value: string | undefined;
    try {
      value = decodeURIComponent(pair.slice(eq + 1).trim());
    } catch {
      value = undefined;
    }
    if (eq <= 0 || !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(key) || value === undefined) {
      // Values are often API keys: the message names the pair, never its text.
      ctx.addIssue({
        code: 'custom',
        message: `pair ${index + 1} is not key=value (pairs separated by commas, values percent-encoded)`,
      });
      return z.NEVER;
    }
    headers[key] = value;
  }
  return headers;
});

/** Names every process reads. */
export const baseShape = {
  NODE_ENV: z
    .enum(['development', 'production', 'test'])
    .default('development')
    .describe(
      '`production` forbids ALLOW_PRIVATE_SOURCE_URLS=true and requires PUBLIC_BASE_URL for the uploader',
    ),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
    .default('info')
    .describe('pino log level'),
  DATABASE_URL: url(['postgres:', 'postgresql:'], 'a postgresql:// URL')
    .default('postgresql://postgres@127.0.0.1:5432/podfleet')
    .describe('PostgreSQL, created if missing; add ?pgbouncer=true behind PgBouncer in transaction mode'),
  REDIS_URL: url(['redis:', 'rediss:'], 'a redis:// or rediss:// URL')
    .default('redis://127.0.0.1:6379')
    .describe('Redis, with maxmemory-policy noeviction'),
  QUEUE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'expected 1-64 letters, digits, dot, dash or underscore')
    .default('podfleet')
    .describe('prefix of every BullMQ key (two fleets can share a Redis)'),
  PUBLIC_BASE_URL: url(['http:', 'https:'], 'an http(s) URL')
    .optional()
    .describe(
      "base of links, signed audio URLs and feeds; unset, the API uses each request's origin and the uploader http://localhost:3000",
    ),
  STORAGE_DRIVER: z
    .enum(['fs', 's3'])
    .default('fs')
    .describe('where artifacts and episodes are stored: a local directory served by the API, or S3'),
  STORAGE_DIR: z.string().min(1).default('./data/media').describe('root directory of the fs storage driver'),
  S3_BUCKET: z.string().min(3).optional().describe('S3 bucket; required when STORAGE_DRIVER=s3'),
  S3_REGION: z.string().min(1).default('us-east-1').describe('S3 region'),
  S3_ENDPOINT: url(['http:', 'https:'], 'an http(s) URL')
    .optional()
    .describe('endpoint of an S3-compatible store (MinIO, R2); unset, AWS'),
  S3_FORCE_PATH_STYLE: envBoolean.default(false).describe('path-style bucket URLs (MinIO)'),
  S3_PUBLIC_BASE_URL: url(['http:', 'https:'], 'an http(s) URL')
    .optional()
    .describe('public base URL of the bucket; audio redirects there instead of to a presigned URL'),
  S3_ACCESS_KEY_ID: z
    .string()
    .min(1)
    .optional()
    .describe("S3 access key; unset, the SDK's default credentials (workload identity)"),
  S3_SECRET_ACCESS_KEY: z.string().min(1).optional().describe('S3 secret key'),
  ALLOW_PRIVATE_SOURCE_URLS: envBoolean
    .default(false)
    .describe('disables the SSRF guard for sources and webhook URLs (tests, demo); refused in production'),
  SHUTDOWN_TIMEOUT_MS: positiveInt(30_000).describe(
    'time a stopping process gives its running jobs or requests before handing them back or closing them',
  ),
  /** Overrides every queue's BullMQ lock duration / stalled-check interval (test fleets only). */
  LOCK_DURATION_MS: z.coerce
    .number()
    .int()
    .positive()
    .optional()
    .describe("overrides every queue's BullMQ lock duration (test fleets only: faster crash recovery)"),
  STALLED_INTERVAL_MS: z.coerce
    .number()
    .int()
    .positive()
    .optional()
    .describe("overrides every queue's BullMQ stalled-check interval (test fleets only)"),
  /** Period of the reconciler, the stuck-job sweeper and the scheduler watchdog. */
  MAINTENANCE_INTERVAL_MS: positiveInt(60_000).describe(
    "period of the workers' reconciler, stuck-job sweeper, scheduler watchdog and alerts",
  ),
  EPISODE_RETENTION_DAYS: wholeNumber(0)
    .default(30)
    .describe('episodes expire this many days after publishing (0: never)'),
  USER_STORAGE_QUOTA_BYTES: wholeNumber(0)
    .default(1_073_741_824)
    .describe(
      "per-user storage quota, checked before generating (0: unlimited; PATCH /v1/users/:id sets a user's own)",
    ),
  // Fleet quota and the archive (#16): expired episodes and clips are archived, then deleted.
  STORAGE_QUOTA_BYTES: wholeNumber(0)
    .default(10_737_418_240)
    .describe(
      'fleet-wide storage quota: every stored episode, upload, clip and archived object together (0: unlimited); uploads and clips past it get 507',
    ),
  ARCHIVE_DAYS: wholeNumber(0)
    .default(30)
    .describe(
      'expired episodes and clips stay under archive/, restorable by an admin, this many days before deletion (0: deleted at expiry)',
    ),
  ARCHIVE_STORAGE_CLASS: z
    .enum(['STANDARD_IA', 'ONEZONE_IA', 'INTELLIGENT_TIERING', 'GLACIER_IR'])
    .optional()
    .describe(
      'S3 storage class of archived objects (readable at once: a restore needs no thaw); unset, the bucket default',
    ),
  /** Jobs one user may have in the fleet: the API admits by it, workers start waiting jobs by it. */
  USER_MAX_ACTIVE_JOBS: positiveInt(3).describe(
    'jobs one user may have in the fleet at once; the API admits by it and workers start waiting jobs by it',
  ),
  /** OpenTelemetry collector (OTLP/HTTP); unset, tracing is off and no SDK starts. */
  OTEL_EXPORTER_OTLP_ENDPOINT: url(['http:', 'https:'], 'an http(s) URL')
    .optional()
    .describe('OpenTelemetry collector, OTLP/HTTP base URL (spans go to …/v1/traces); unset, tracing is off'),
  OTEL_EXPORTER_OTLP_HEADERS: otlpHeaders
    .optional()
    .describe('headers of every export: key=value pairs separated by commas, values percent-encoded'),
} as const;

/**
 * An HMAC signing secret. 32+ characters where the admin key needs 16: the server alone checks
 * the admin key, but anyone holding a signed URL or their own webhook secret holds an HMAC of a
 * known message and can test guesses at the secret offline, as fast as they like.
 */
const signingSecret = z.string().min(32, 'expected at least 32 characters (e.g. openssl rand -hex 32)');

/** Signed audio URLs: the API signs and verifies them, the uploader signs those in webhook bodies. */
const mediaUrlShape = {
  MEDIA_URL_SECRET: signingSecret.describe(
    'key of signed media URLs (32+ chars, openssl rand -hex 32): the API signs and verifies, the uploader signs webhook links',
  ),
  SIGNED_URL_TTL_SEC: positiveInt(24 * 3600).describe(
    'lifetime of signed audio, transcript and chapter URLs (s); a feed signs for 1 to 2 of these',
  ),
} as const;

/** Root of every user's webhook secret: the API shows it (GET /v1/me), the uploader signs with it. */
const webhookShape = {
  WEBHOOK_SECRET: signingSecret.describe(
    "root of each user's webhook secret (32+ chars): the API shows it in GET /v1/me, the uploader signs deliveries",
  ),
} as const;

/**
 * BULL_BOARD_USERS / BULL_BOARD_VIEWERS: `name:hash` pairs separated by commas; the hash is
 * `scrypt$<N>$<r>$<p>$<salt b64>$<key b64>` (no commas or colons in it).
 */
const boardUsers = z
  .string()
  .optional()
  .transform((raw, ctx): { name: string; hash: string }[] => {
    if (raw === undefined) return [];
    const entries = raw
      .split(',')
      .map((e) => e.trim())
      .filter(Boolean);
    const users: { name: string; hash: string }[] = [];
    for (const [index, entry] of entries.entries()) {
      const colon = entry.indexOf(':');
      const name = entry.slice(0, colon);
      const hash = entry.slice(colon + 1);
      // Never echo the entry: its hash is a password's.
      if (colon <= 0 || !/^scrypt\$\d+\$\d+\$\d+\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/.test(hash)) {
        ctx.addIssue({
          code: 'custom',
          message: `entry ${index + 1} is not name:scrypt$N$r$p$salt$key (make one with the API's hash-password command)`,
        });
        return z.NEVER;
      }
      users.push({ name, hash });
    }
    return users;
  });

export const apiShape = {
  ...baseShape,
  ...mediaUrlShape,
  ...webhookShape,
  /** Admin Bearer token (never a Basic password); it signs nothing, so only the API holds it. */
  ADMIN_API_KEY: z
    .string()
    .min(16, 'expected at least 16 characters')
    .describe('admin Bearer token (16+ chars); it signs nothing, so no other process holds it'),
  PORT: intBetween(0, 65_535, 3000).describe('HTTP port of the API'),
  CRON_SECRET: z
    .string()
    .min(16, 'expected at least 16 characters')
    .optional()
    .describe('Bearer secret of POST /v1/cron/pregenerate (16+ chars); unset, the route is off'),
  MAX_QUEUE_SIZE: positiveInt(1000).describe('waiting stage jobs at which episode requests get 503'),
  USER_REQUESTS_PER_MINUTE: positiveInt(30).describe('episode requests per user per minute (429 above)'),
  USER_FEEDBACK_PER_MINUTE: positiveInt(20).describe(
    'feedback (POST /v1/feedback) per user per minute (429 above); it also bounds how fast one user moves their clip weights',
  ),
  CORS_ORIGINS: z.string().optional().describe('comma-separated origins allowed by CORS; unset, CORS is off'),
  METRICS_TOKEN: z
    .string()
    .min(16, 'expected at least 16 characters')
    .optional()
    .describe('Bearer token GET /metrics requires (16+ chars); required when NODE_ENV=production'),
  BULL_BOARD_USERS: boardUsers.describe(
    "Bull Board operators, name:scrypt-hash pairs separated by commas (the API's hash-password command); unset: Bull Board is off",
  ),
  BULL_BOARD_VIEWERS: boardUsers.describe(
    'Bull Board read-only viewers, name:scrypt-hash pairs separated by commas',
  ),
  USER_MAX_STREAMS: positiveInt(5).describe('open job event streams (SSE) per user, fleet-wide (429 above)'),
  MAX_STREAMS: positiveInt(1000).describe('open job event streams (SSE) per API process (429 above)'),
  SSE_MAX_STREAM_SEC: positiveInt(900).describe(
    'an event stream ends after this many seconds; the client reconnects and resumes (Last-Event-ID)',
  ),
  AUTH_FAILURES_PER_MINUTE: positiveInt(20).describe(
    'failed authentications per client address per minute before 429 (no key lookups meanwhile)',
  ),
  USER_MAX_API_KEYS: positiveInt(10).describe('active API keys per user (POST /v1/keys answers 409 above)'),
  UPLOAD_MAX_BYTES: positiveInt(500 * 1024 * 1024).describe(
    'largest audio file POST /v1/uploads accepts (bytes; 413 above), streamed to storage as it arrives',
  ),
} as const;

/** The OpenAI-compatible server both the script writer and the TTS engine default to. */
const openAiShape = {
  OPENAI_BASE_URL: url(['http:', 'https:'], 'an http(s) URL')
    .default('https://api.openai.com/v1')
    .describe(
      'OpenAI-compatible API base URL ending in /v1, e.g. Ollama http://localhost:11434/v1, vLLM http://localhost:8000/v1, llama.cpp http://localhost:8080/v1, LM Studio http://localhost:1234/v1',
    ),
  OPENAI_API_KEY: z
    .string()
    .min(1)
    .optional()
    .describe('Bearer key for OPENAI_BASE_URL; required for api.openai.com, local servers need none'),
} as const;

/** Non-negative USD amount, unset when not given. */
const usd = () => z.coerce.number().min(0).optional();

const scriptProviderShape = {
  SCRIPT_PROVIDER: z
    .enum(['local', 'anthropic', 'openai'])
    .default('local')
    .describe('script writer: the offline extractive one, Anthropic, or an OpenAI-compatible API'),
  ANTHROPIC_API_KEY: z
    .string()
    .min(1)
    .optional()
    .describe('Anthropic API key; required when SCRIPT_PROVIDER=anthropic'),
  ANTHROPIC_BASE_URL: url(['http:', 'https:'], 'an http(s) URL')
    .optional()
    .describe("Anthropic API base URL (without /v1); unset, the SDK's default"),
  ANTHROPIC_MODEL: z
    .string()
    .min(1)
    .default('claude-haiku-4-5-20251001')
    .describe('Anthropic model that writes scripts'),
  ANTHROPIC_TIMEOUT_MS: positiveInt(300_000).describe(
    'client timeout per Anthropic request (ms); a timeout fails the attempt as TIMEOUT, retried',
  ),
  ...openAiShape,
  OPENAI_MODEL: z
    .string()
    .min(1)
    .default('gpt-4o-mini')
    .describe('model that writes scripts when SCRIPT_PROVIDER=openai (e.g. llama3.1:8b on Ollama)'),
  OPENAI_TIMEOUT_MS: positiveInt(300_000).describe(
    'client timeout per chat completion (ms); a timeout fails the attempt as TIMEOUT, retried',
  ),
  OPENAI_STRUCTURED_OUTPUT: z
    .enum(['json_schema', 'json_object', 'none'])
    .default('json_schema')
    .describe(
      'how the script is first asked to be JSON; a server that rejects it is asked the next way (json_object, then the prompt alone)',
    ),
  OPENAI_PRICE_INPUT_PER_MTOK: usd().describe(
    'USD per million input tokens of OPENAI_MODEL; unset, OpenAI list prices for its models, 0 for any other (local)',
  ),
  OPENAI_PRICE_OUTPUT_PER_MTOK: usd().describe(
    'USD per million output tokens of OPENAI_MODEL; unset, OpenAI list prices for its models, 0 for any other (local)',
  ),
} as const;

/**
 * PREGENERATE_CRON's hour field as the one local hour (0-23) pre-generation targets; null for
 * anything else (a range, a step, `*`). The scheduler (@podfleet/pregeneration) reads it the same way.
 */
export function pregenerationLocalHour(hourField: string): number | null {
  return /^\d{1,2}$/.test(hourField) && Number(hourField) <= 23 ? Number(hourField) : null;
}

/**
 * Why cron-parser (BullMQ's own parser, the version BullMQ depends on) refuses `pattern`;
 * undefined when it accepts it. A pattern it refuses makes BullMQ's upsertJobScheduler throw.
 */
export function cronPatternProblem(pattern: string): string | undefined {
  try {
    CronExpressionParser.parse(pattern);
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

/** The queues each worker app consumes, besides `maintenance`, which every worker serves. */
export const WORKER_APP_QUEUES = {
  scraper: ['scrape', 'script', 'pregenerate'],
  audio: ['audio', 'clips'],
  uploader: ['upload', 'webhooks'],
} as const;

/**
 * WORKER_QUEUES: the comma-separated queues of its app one process consumes (its role); all of
 * them when unset. `maintenance` is never listed: every worker process serves it.
 */
function workerQueues<const Q extends string>(app: string, queues: readonly Q[]) {
  const serves = `${app} serves ${queues.join(', ')}`;
  return z
    .string()
    .optional()
    .transform((raw, ctx): Q[] => {
      if (raw === undefined) return [...queues];
      const names = [...new Set(raw.split(',').map((name) => name.trim()))].filter(Boolean);
      const unknown = names.filter((name) => !(queues as readonly string[]).includes(name));
      const problem = unknown.includes('maintenance')
        ? `maintenance always runs and is not listed; ${serves}`
        : unknown.length > 0
          ? `unknown queue ${unknown.map((name) => `"${name}"`).join(', ')}: ${serves}`
          : names.length === 0
            ? `expected at least one queue: ${serves}`
            : undefined;
      if (problem === undefined) return names as Q[];
      ctx.addIssue({ code: 'custom', message: problem });
      return z.NEVER;
    });
}

/** Names every worker app reads (not the API). */
const workerShape = <A extends keyof typeof WORKER_APP_QUEUES>(app: A) => ({
  WORKER_QUEUES: workerQueues<(typeof WORKER_APP_QUEUES)[A][number]>(app, WORKER_APP_QUEUES[app]).describe(
    'comma-separated queues of its app this process consumes (its role); unset, all of them; maintenance always runs',
  ),
  // Unset, no health server: several worker processes share one host in development and tests.
  HEALTH_PORT: wholeNumber(0, 65_535)
    .optional()
    .describe(
      'port of GET /livez, /readyz and /metrics (0 picks a free port, logged); unset, no health server',
    ),
  HEALTH_MAX_EVENT_LOOP_LAG_MS: positiveInt(2_000).describe(
    'event-loop lag (ms) above which /livez and /readyz answer 503',
  ),
  /** Days of jobs kept; older ones are rolled up into daily figures and deleted. 0: keep them all. */
  JOB_RETENTION_DAYS: wholeNumber(0)
    .default(90)
    .describe(
      'days of jobs kept; older UTC days are rolled up into /v1/stats history, then deleted (0: keep all)',
    ),
  /** Slack-compatible webhook the maintenance run posts alerts to; unset, no alerts. */
  ALERT_WEBHOOK_URL: url(['http:', 'https:'], 'an http(s) URL')
    .optional()
    .describe('Slack-compatible webhook the maintenance run posts alerts to; unset, no alerts'),
  /** Failed share of the jobs finished within ALERT_WINDOW_SEC above which an alert fires. */
  ALERT_FAILURE_RATE: numberBetween(0, 1, 0.2).describe(
    'alert when more than this share of the jobs finished in ALERT_WINDOW_SEC failed (judged from 5 jobs)',
  ),
  ALERT_WINDOW_SEC: positiveInt(900).describe('window (s) of the failure-rate alert'),
  /** Age (s) of the oldest waiting job above which an alert fires. */
  ALERT_QUEUE_AGE_SEC: positiveInt(600).describe(
    'alert when the oldest waiting job has waited longer than this (s)',
  ),
  /** Today's (UTC) estimated cost above which an alert fires; unset, none. */
  ALERT_COST_USD_PER_DAY: z.coerce
    .number()
    .positive()
    .optional()
    .describe("alert when today's (UTC) estimated provider cost passes this (USD); unset, no cost alert"),
});

export const scraperShape = {
  ...baseShape,
  ...workerShape('scraper'),
  ...scriptProviderShape,
  CONGRESS_API_KEY: z
    .string()
    .min(1)
    .optional()
    .describe('Congress.gov API v3 key; unset, congress sources fail'),
  CONGRESS_BASE_URL: url(['http:', 'https:'], 'an http(s) URL')
    .default('https://api.congress.gov/v3')
    .describe('Congress.gov API base URL'),
  // The scheduler (@podfleet/pregeneration) reads the hour field as the users' local hour to
  // target; checked here too, so a bad value stops the start with every other config error.
  PREGENERATE_CRON: z
    .string()
    .regex(/^\s*(\S+\s+){4}\S+\s*$/, 'expected a five-field cron expression such as "0 3 * * *"')
    .refine((cron) => pregenerationLocalHour(cron.trim().split(/\s+/)[1] ?? '') !== null, {
      message: 'the hour field must be one hour 0-23 (the users\' local hour to target), e.g. "0 3 * * *"',
    })
    .superRefine((cron, ctx) => {
      const problem = cronPatternProblem(cron.trim());
      if (problem) ctx.addIssue({ code: 'custom', message: `not a valid cron expression: ${problem}` });
    })
    .default('0 3 * * *')
    .describe(
      "nightly pre-generation schedule; its hour field is the users' local hour to target (one hour 0-23)",
    ),
  SCRAPE_CONCURRENCY: positiveInt(4).describe('scrape jobs per process'),
  SCRIPT_CONCURRENCY: positiveInt(2).describe('script jobs per process'),
} as const;

/**
 * Speech to text for uploads without a transcript. Chunks are cut by ffmpeg and sent as 16 kHz
 * mono MP3 at 64 kbit/s (8 KB/s), so 3000 s stays under OpenAI's 25 MB per file.
 */
const asrShape = {
  ASR_PROVIDER: z
    .enum(['none', 'openai'])
    .default('none')
    .describe(
      'speech to text for uploads without a transcript: none (they stay without one), or an OpenAI-compatible transcription API',
    ),
  OPENAI_ASR_BASE_URL: url(['http:', 'https:'], 'an http(s) URL')
    .optional()
    .describe(
      'OpenAI-compatible transcription API base URL ending in /v1 (Speaches or faster-whisper-server http://localhost:8000/v1); unset, OPENAI_BASE_URL',
    ),
  OPENAI_ASR_API_KEY: z
    .string()
    .min(1)
    .optional()
    .describe(
      'Bearer key for the transcription API; unset, OPENAI_API_KEY when OPENAI_ASR_BASE_URL is unset too (local servers need none)',
    ),
  OPENAI_ASR_MODEL: z
    .string()
    .min(1)
    .default('whisper-1')
    .describe('transcription model (whisper-1; Systran/faster-whisper-small on Speaches)'),
  OPENAI_ASR_CHUNK_SEC: intBetween(30, 3000, 600).describe(
    'longest audio per transcription request (s, 30-3000: a chunk stays under 25 MB)',
  ),
  OPENAI_ASR_OVERLAP_SEC: numberBetween(0, 15, 5).describe(
    'seconds neighbouring chunks share; a segment in both is kept from the chunk that owns its midpoint',
  ),
  OPENAI_ASR_CONCURRENCY: positiveInt(2).describe('chunks of one file transcribed at once'),
  OPENAI_ASR_TIMEOUT_MS: positiveInt(300_000).describe(
    'client timeout per transcription request (a chunk) (ms); a timeout is retried',
  ),
} as const;

export const audioShape = {
  ...baseShape,
  ...workerShape('audio'),
  TTS_PROVIDER: z
    .enum(['espeak', 'elevenlabs', 'openai'])
    .default('espeak')
    .describe(
      'TTS engine: espeak-ng (offline; native when installed, else WASM), ElevenLabs, or an OpenAI-compatible speech API',
    ),
  ELEVENLABS_API_KEY: z
    .string()
    .min(1)
    .optional()
    .describe('ElevenLabs API key; required when TTS_PROVIDER=elevenlabs'),
  ELEVENLABS_BASE_URL: url(['http:', 'https:'], 'an http(s) URL')
    .default('https://api.elevenlabs.io')
    .describe('ElevenLabs API base URL'),
  ELEVENLABS_MODEL: z.string().min(1).default('eleven_multilingual_v2').describe('ElevenLabs model'),
  ELEVENLABS_CONCURRENCY: positiveInt(3).describe(
    'ElevenLabs requests at once, across the whole fleet (a Redis limiter)',
  ),
  ELEVENLABS_TIMEOUT_MS: positiveInt(60_000).describe(
    'client timeout per ElevenLabs request (a line, or a dialogue run) (ms); a timeout is retried',
  ),
  ELEVENLABS_MODE: z
    .enum(['speech', 'dialogue'])
    .default('speech')
    .describe(
      'speech: a text-to-speech request per line; dialogue: runs of lines per text-to-dialogue request, cut at its voice segments (speech for a run it cannot voice)',
    ),
  ELEVENLABS_DIALOGUE_MODEL: z
    .string()
    .min(1)
    .default('eleven_v3')
    .describe('text-to-dialogue model (ELEVENLABS_MODE=dialogue)'),
  ELEVENLABS_DIALOGUE_FORMAT: z
    .string()
    .regex(/^pcm_\d+$/, 'expected pcm_<sample rate>, e.g. pcm_24000')
    .default('pcm_24000')
    .describe('raw PCM of dialogue audio (pcm_16000, pcm_22050, pcm_24000; pcm_44100 needs the Pro plan)'),
  ELEVENLABS_DIALOGUE_MAX_CHARS: intBetween(1, 5_000, 2_000).describe(
    'characters per text-to-dialogue request (at most 5000; ElevenLabs advises 2000 or fewer)',
  ),
  ...openAiShape,
  OPENAI_TTS_BASE_URL: url(['http:', 'https:'], 'an http(s) URL')
    .optional()
    .describe(
      'OpenAI-compatible speech API base URL ending in /v1 (Kokoro-FastAPI http://localhost:8880/v1, Speaches http://localhost:8000/v1); unset, OPENAI_BASE_URL',
    ),
  OPENAI_TTS_API_KEY: z
    .string()
    .min(1)
    .optional()
    .describe('Bearer key for the speech API; unset, OPENAI_API_KEY when OPENAI_TTS_BASE_URL is unset too'),
  OPENAI_TTS_MODEL: z
    .string()
    .min(1)
    .default('tts-1')
    .describe('speech model (tts-1, tts-1-hd, gpt-4o-mini-tts; kokoro on Kokoro-FastAPI)'),
  OPENAI_TTS_VOICES: z
    .string()
    .optional()
    .transform((raw, ctx) => {
      if (raw === undefined) return undefined;
      const voices = [...new Set(raw.split(',').map((v) => v.trim()))].filter(Boolean);
      if (voices.length > 0) return voices;
      ctx.addIssue({ code: 'custom', message: 'expected comma-separated voice names' });
      return z.NEVER;
    })
    .describe(
      "comma-separated voices offered to hosts, defaults first; unset, the server's list (Kokoro-FastAPI) or OpenAI's",
    ),
  OPENAI_TTS_FORMAT: z
    .enum(['wav', 'pcm'])
    .default('wav')
    .describe('audio asked of the speech API: wav, or raw 16-bit mono pcm at OPENAI_TTS_PCM_SAMPLE_RATE'),
  OPENAI_TTS_PCM_SAMPLE_RATE: positiveInt(24_000).describe(
    'sample rate of pcm speech (OpenAI and Kokoro: 24000)',
  ),
  OPENAI_TTS_CONCURRENCY: positiveInt(4).describe(
    'speech requests at once, across the whole fleet (a Redis limiter)',
  ),
  OPENAI_TTS_TIMEOUT_MS: positiveInt(60_000).describe(
    'client timeout per speech request (ms); a timeout is retried',
  ),
  OPENAI_TTS_USD_PER_1000_CHARACTERS: usd().describe(
    'speech price per 1000 characters for the cost estimate; unset, 0.015 on api.openai.com (tts-1), 0 elsewhere',
  ),
  ...asrShape,
  AUDIO_CONCURRENCY: positiveInt(1).describe('audio jobs per process (CPU-bound: one per core)'),
  TTS_CACHE_DIR: z
    .string()
    .min(1)
    .default('./data/tts-cache')
    .describe('clip cache keyed by engine, voice and text; share one between audio workers'),
} as const;

export const uploaderShape = {
  ...baseShape,
  ...workerShape('uploader'),
  ...mediaUrlShape,
  ...webhookShape,
  UPLOAD_CONCURRENCY: positiveInt(4).describe('upload jobs per process'),
  WEBHOOKS_CONCURRENCY: positiveInt(8).describe('webhook deliveries per process'),
} as const;

type Shape = Record<string, z.ZodType>;

/** OpenAI itself (which needs a key and bills), not a local server speaking its API. */
export function isOpenAi(baseUrl: unknown): boolean {
  try {
    return typeof baseUrl === 'string' && new URL(baseUrl).hostname === 'api.openai.com';
  } catch {
    return false;
  }
}

/** Checks that only make sense across several variables. */
function withRules<S extends Shape>(shape: S, { linksWithoutRequest = false } = {}) {
  return z.object(shape).superRefine((raw, ctx) => {
    const env = raw as Record<string, unknown>;
    const need = (name: string, when: string) => {
      if (name in shape && env[name] === undefined) {
        ctx.addIssue({ code: 'custom', path: [name], message: `required when ${when}` });
      }
    };
    if (env.STORAGE_DRIVER === 's3') need('S3_BUCKET', 'STORAGE_DRIVER=s3');
    if (env.SCRIPT_PROVIDER === 'anthropic') need('ANTHROPIC_API_KEY', 'SCRIPT_PROVIDER=anthropic');
    if (env.TTS_PROVIDER === 'elevenlabs') need('ELEVENLABS_API_KEY', 'TTS_PROVIDER=elevenlabs');
    if (env.SCRIPT_PROVIDER === 'openai' && isOpenAi(env.OPENAI_BASE_URL)) {
      need('OPENAI_API_KEY', 'SCRIPT_PROVIDER=openai with api.openai.com');
    }
    // OPENAI_API_KEY serves speech (transcription) only when speech (transcription) goes to
    // OPENAI_BASE_URL too.
    const needOwnOpenAiKey = (service: 'TTS' | 'ASR') => {
      const baseUrl = env[`OPENAI_${service}_BASE_URL`];
      const sharedKey = baseUrl === undefined ? env.OPENAI_API_KEY : undefined;
      if (env[`${service}_PROVIDER`] === 'openai' && isOpenAi(baseUrl ?? env.OPENAI_BASE_URL) && !sharedKey) {
        need(
          `OPENAI_${service}_API_KEY`,
          `${service}_PROVIDER=openai with api.openai.com and no OPENAI_API_KEY for it`,
        );
      }
    };
    needOwnOpenAiKey('TTS');
    needOwnOpenAiKey('ASR');
    // The uploader writes links into webhook bodies with no request to take an origin from.
    if (linksWithoutRequest && env.NODE_ENV === 'production') {
      need(
        'PUBLIC_BASE_URL',
        'NODE_ENV=production (links in webhook bodies would point at http://localhost:3000)',
      );
    }
    // The uploader holds the signing secrets: one equal to the admin key would hand it the admin key.
    for (const name of ['MEDIA_URL_SECRET', 'WEBHOOK_SECRET']) {
      if (env.ADMIN_API_KEY !== undefined && env[name] === env.ADMIN_API_KEY) {
        ctx.addIssue({
          code: 'custom',
          path: [name],
          message: 'must differ from ADMIN_API_KEY (the uploader holds it and must not hold the admin key)',
        });
      }
    }
    if (env.NODE_ENV === 'production' && 'METRICS_TOKEN' in shape) {
      need('METRICS_TOKEN', 'NODE_ENV=production (/metrics would be open to anyone)');
      // Links in answers are built from it, never from a request's Host header.
      if (!linksWithoutRequest)
        need('PUBLIC_BASE_URL', 'NODE_ENV=production (links would be built from the Host header)');
    }
    if (env.NODE_ENV === 'production' && env.ALLOW_PRIVATE_SOURCE_URLS === true) {
      ctx.addIssue({
        code: 'custom',
        path: ['ALLOW_PRIVATE_SOURCE_URLS'],
        message: 'must be false in production (it disables the SSRF guard)',
      });
    }
  });
}

export const schemas = {
  base: withRules(baseShape),
  api: withRules(apiShape),
  scraper: withRules(scraperShape),
  audio: withRules(audioShape),
  uploader: withRules(uploaderShape, { linksWithoutRequest: true }),
  /** Everything: used by the CLI, which supervises every app, and by tests. */
  all: withRules(
    {
      ...apiShape,
      ...scraperShape,
      ...audioShape,
      ...uploaderShape,
      WORKER_QUEUES: workerQueues('a worker', Object.values(WORKER_APP_QUEUES).flat()),
    },
    { linksWithoutRequest: true },
  ),
};

export type ConfigName = keyof typeof schemas;
export type ConfigOf<N extends ConfigName> = z.output<(typeof schemas)[N]>;
export type BaseConfig = ConfigOf<'base'>;
export type ApiConfig = ConfigOf<'api'>;
export type ScraperConfig = ConfigOf<'scraper'>;
export type AudioConfig = ConfigOf<'audio'>;
/** What builds the speech-to-text provider (`createAsrProvider` in @podfleet/providers). */
export type AsrConfig = Pick<AudioConfig, keyof typeof asrShape | 'OPENAI_BASE_URL' | 'OPENAI_API_KEY'>;
export type UploaderConfig = ConfigOf<'uploader'>;
export type FullConfig = ConfigOf<'all'>;
/** What runWorkerApp needs, whichever worker app it runs. */
export type WorkerConfig = ScraperConfig | AudioConfig | UploaderConfig;

/** What each variable means, for `.env.example`, the README table and error messages. */
export const envNames: string[] = Object.keys(schemas.all.shape);

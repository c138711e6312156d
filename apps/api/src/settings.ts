import type { ApiConfig } from '@podfleet/config';
import { bundledWebDir } from './web-dir';

export interface BoardUser {
  name: string;
  /** `scrypt$N$r$p$salt$key` (see services/password-hash). */
  hash: string;
}

/** What the HTTP layer needs to know, as plain values (tests build it directly). */
export interface ApiSettings {
  /** Admin Bearer token; signs nothing, and is not a Bull Board password. */
  adminApiKey: string;
  /** Bearer token GET /metrics requires; unset, /metrics is open (development). */
  metricsToken?: string;
  /** Bull Board operators and read-only viewers (name and scrypt hash); none of either: Bull Board is off. */
  bullBoardUsers: BoardUser[];
  bullBoardViewers: BoardUser[];
  /** Open event streams per user (fleet-wide) and per process. */
  userMaxStreams: number;
  maxStreams: number;
  /** An event stream ends after this long; the client reconnects (Last-Event-ID). */
  sseMaxStreamMs: number;
  /** Failed authentications per client address per minute before 429. */
  authFailuresPerMinute: number;
  /** Active API keys per user. */
  userMaxApiKeys: number;
  /** MEDIA_URL_SECRET: signs and verifies audio URLs (the uploader signs with it too). */
  mediaUrlSecret: string;
  /** WEBHOOK_SECRET: root of each user's webhook secret shown by GET /v1/me (the uploader signs with it). */
  webhookSecret: string;
  /** Bearer secret of the cron endpoints; unset, those routes are off (404 to everyone). */
  cronSecret?: string;
  /** BullMQ and Redis key prefix (QUEUE_PREFIX). */
  prefix: string;
  /** Base of absolute URLs the API hands out; the request's own origin when unset. */
  publicBaseUrl?: string;
  /** Waiting stage jobs at which POST /v1/episodes answers 503. */
  maxQueueSize: number;
  userRequestsPerMinute: number;
  /** POST /v1/feedback per user per minute. */
  userFeedbackPerMinute: number;
  userMaxActiveJobs: number;
  /** Default per-user storage quota (User.storageQuotaBytes overrides; 0: unlimited), checked before generating. */
  userStorageQuotaBytes: number;
  signedUrlTtlSec: number;
  /** Allowed CORS origins (`*` for any); empty: no CORS headers at all. */
  corsOrigins: string[];
  /** Lets webhook URLs point at private addresses (ALLOW_PRIVATE_SOURCE_URLS; tests only). */
  allowPrivateUrls: boolean;
  /** SSE heartbeat interval; each heartbeat also re-reads the job, in case an event was lost. */
  sseHeartbeatMs: number;
  /** How long one reading of the queue depth serves backpressure decisions. */
  queueDepthCacheMs: number;
  /** Per-check timeout of /health. */
  healthTimeoutMs: number;
  /** How long a valid API key lookup is reused in-process; a revocation elsewhere takes this long to apply. */
  keyCacheTtlMs: number;
  /** The built web app served at `/` (apps/web/dist); unset, `/` answers 503. */
  webDir?: string;
  /** Largest audio file POST /v1/uploads accepts (UPLOAD_MAX_BYTES). */
  uploadMaxBytes: number;
}

export function settingsFromConfig(config: ApiConfig): ApiSettings {
  return {
    adminApiKey: config.ADMIN_API_KEY,
    ...(config.METRICS_TOKEN ? { metricsToken: config.METRICS_TOKEN } : {}),
    bullBoardUsers: config.BULL_BOARD_USERS,
    bullBoardViewers: config.BULL_BOARD_VIEWERS,
    userMaxStreams: config.USER_MAX_STREAMS,
    maxStreams: config.MAX_STREAMS,
    sseMaxStreamMs: config.SSE_MAX_STREAM_SEC * 1000,
    authFailuresPerMinute: config.AUTH_FAILURES_PER_MINUTE,
    userMaxApiKeys: config.USER_MAX_API_KEYS,
    mediaUrlSecret: config.MEDIA_URL_SECRET,
    webhookSecret: config.WEBHOOK_SECRET,
    ...(config.CRON_SECRET ? { cronSecret: config.CRON_SECRET } : {}),
    prefix: config.QUEUE_PREFIX,
    ...(config.PUBLIC_BASE_URL ? { publicBaseUrl: config.PUBLIC_BASE_URL.replace(/\/+$/, '') } : {}),
    maxQueueSize: config.MAX_QUEUE_SIZE,
    userRequestsPerMinute: config.USER_REQUESTS_PER_MINUTE,
    userFeedbackPerMinute: config.USER_FEEDBACK_PER_MINUTE,
    userMaxActiveJobs: config.USER_MAX_ACTIVE_JOBS,
    userStorageQuotaBytes: config.USER_STORAGE_QUOTA_BYTES,
    uploadMaxBytes: config.UPLOAD_MAX_BYTES,
    signedUrlTtlSec: config.SIGNED_URL_TTL_SEC,
    corsOrigins: (config.CORS_ORIGINS ?? '')
      .split(',')
      .map((o) => o.trim())
      .filter((o) => o.length > 0),
    allowPrivateUrls: config.ALLOW_PRIVATE_SOURCE_URLS,
    sseHeartbeatMs: 15_000,
    queueDepthCacheMs: 250,
    healthTimeoutMs: 1_500,
    keyCacheTtlMs: 10_000,
    webDir: bundledWebDir(),
  };
}

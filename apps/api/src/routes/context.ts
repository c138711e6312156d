import type { Episode, PrismaClient } from '@podfleet/db';
import type { EpisodeView, PipelineContext } from '@podfleet/pipeline';
import type { DeliveryLog } from '@podfleet/pregeneration';
import type { StorageDriver } from '@podfleet/providers';
import type { UrlSigner } from '@podfleet/webhooks';
import type { Request } from 'express';
import type { Redis } from 'ioredis';
import type { ApiMetrics } from '../metrics';
import type { Authenticator, AuthGuards } from '../middleware/auth';
import type { QueueDepth } from '../services/backpressure';
import type { JobStreams } from '../services/job-streams';
import type { RateLimiter } from '../services/rate-limit';
import type { ApiSettings } from '../settings';

/** Everything a route module may use; built once per app in app.ts. */
export interface RouteContext {
  settings: ApiSettings;
  db: PrismaClient;
  /** Producer-role connection (fails fast while Redis is down). */
  redis: Redis;
  /** The shared pipeline context, for what logs nothing of a request (queues, Bull Board). */
  pipeline: PipelineContext;
  /** The pipeline context whose logger is `req.log`: what a request sets off logs its request id. */
  pipelineFor(req: Request): PipelineContext;
  storage: StorageDriver;
  guards: AuthGuards;
  authenticator: Authenticator;
  streams: JobStreams;
  rateLimiter: RateLimiter;
  queueDepth: QueueDepth;
  /** Signs audio URLs (key derived from MEDIA_URL_SECRET). */
  mediaSigner: UrlSigner;
  /** Key user webhook secrets are derived from (webhookSigningKey(WEBHOOK_SECRET)). */
  webhookKey: Buffer;
  metrics: ApiMetrics;
  /** How each episode request was answered (time to first audio), written in the background. */
  deliveries: DeliveryLog;
  /** Now, for cache periods, pre-generation, feed expiry and stats windows (pinned in tests). */
  clock(): Date;
  /** Absolute base URL for links in responses: PUBLIC_BASE_URL or the request's own origin. */
  baseUrl(req: Request): string;
  /**
   * CONTRACT "Episode" with its signed audio URL (the transcript is not part of it), signed under
   * its owner's media URL version.
   */
  episodeView(req: Request, episode: Omit<Episode, 'transcript'>, urlVersion: number): EpisodeView;
}

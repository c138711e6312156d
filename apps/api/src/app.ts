import type { PrismaClient } from '@podfleet/db';
import {
  closePipelineContext,
  createPipelineContext,
  type PipelineContext,
  toEpisodeView,
} from '@podfleet/pipeline';
import { DeliveryLog } from '@podfleet/pregeneration';
import type { StorageDriver } from '@podfleet/providers';
import type { Logger } from '@podfleet/queue';
import { episodeUrls, mediaUrlSigningKey, UrlSigner, webhookSigningKey } from '@podfleet/webhooks';
import express, { type Express, type Request } from 'express';
import helmet from 'helmet';
import type { Redis } from 'ioredis';
import { type ApiMetrics, createMetrics } from './metrics';
import { createAuthenticator, createAuthGuards } from './middleware/auth';
import { cors } from './middleware/cors';
import {
  errorHandler,
  notFoundHandler,
  refuseOversizedBodies,
  rejectUnreadablePaths,
} from './middleware/errors';
import { requestLogging } from './middleware/logging';
import { requestTracing } from './middleware/tracing';
import { adminRouter } from './routes/admin';
import { bullBoardRouter } from './routes/bull-board';
import { clipsRouter } from './routes/clips';
import type { RouteContext } from './routes/context';
import { cronRouter } from './routes/cron';
import { episodesRouter } from './routes/episodes';
import { feedbackRouter } from './routes/feedback';
import { feedsRouter } from './routes/feeds';
import { jobsRouter } from './routes/jobs';
import { keysRouter } from './routes/keys';
import { podcastShowRouter } from './routes/podcast-show';
import { samplesRouter } from './routes/samples';
import { systemRouter } from './routes/system';
import { uploadsRouter } from './routes/uploads';
import { usersRouter } from './routes/users';
import { voicesRouter } from './routes/voices';
import { webRouter } from './routes/web';
import { QueueDepth } from './services/backpressure';
import { JobStreams } from './services/job-streams';
import { RateLimiter } from './services/rate-limit';
import type { ApiSettings } from './settings';

/** Connections and clients the app runs on; the caller creates and closes them. */
export interface ApiDependencies {
  settings: ApiSettings;
  db: PrismaClient;
  /** Producer-role connection: queues, flows, rate limits, health (fails fast while Redis is down). */
  redis: Redis;
  /** A connection used only for pub/sub (SSE fan-out); one per process, whatever the number of streams. */
  subscriber: Redis;
  storage: StorageDriver;
  logger: Logger;
  /**
   * The clock of cache periods, pre-generation runs, feed expiry and stats windows (default: real
   * time). Tests pin it; signed URLs, rate limits and idempotency windows always use real time.
   */
  clock?: () => Date;
}

export interface ApiApp {
  app: Express;
  pipeline: PipelineContext;
  streams: JobStreams;
  metrics: ApiMetrics;
  /** Ends SSE streams and closes the queues this app opened (not the injected connections). */
  close(): Promise<void>;
}

/** Request bodies above this (1 MB) are refused with 413 before any parsing. */
export const BODY_LIMIT_BYTES = 1024 * 1024;

/** Builds the Express app from injected dependencies (tests build it against their own database and prefix). */
export function createApi(deps: ApiDependencies): ApiApp {
  const { settings, db, redis, storage, logger } = deps;
  const pipeline = createPipelineContext({
    db,
    redis,
    prefix: settings.prefix,
    storage,
    logger,
    userMaxActiveJobs: settings.userMaxActiveJobs,
  });
  // BullMQ re-emits connection errors on every queue; unheard they go to the console. One line
  // per distinct message per 30 s is enough (the connection itself reconnects forever).
  const lastLogged = new Map<string, number>();
  const onQueueError = (err: Error) => {
    const now = Date.now();
    if (now - (lastLogged.get(err.message) ?? 0) < 30_000) return;
    lastLogged.set(err.message, now);
    logger.warn({ err: err.message }, 'queue connection error');
  };
  for (const queue of Object.values(pipeline.queues)) queue.on('error', onQueueError);
  pipeline.flowProducer.on('error', onQueueError);
  const clock = deps.clock ?? (() => new Date());
  const metrics = createMetrics({
    db,
    redis,
    prefix: settings.prefix,
    queues: pipeline.queues,
    logger,
    clock,
  });
  const streams = new JobStreams({
    db,
    subscriber: deps.subscriber,
    redis,
    prefix: settings.prefix,
    heartbeatMs: settings.sseHeartbeatMs,
    limits: {
      userMaxStreams: settings.userMaxStreams,
      maxStreams: settings.maxStreams,
      maxStreamMs: settings.sseMaxStreamMs,
    },
  });
  const rateLimiter = new RateLimiter(redis, settings.prefix);
  const authenticate = createAuthenticator({
    db,
    adminApiKey: settings.adminApiKey,
    keyCacheTtlMs: settings.keyCacheTtlMs,
    failures: { limiter: rateLimiter, perMinute: settings.authFailuresPerMinute },
  });
  const deliveries = new DeliveryLog(db, logger);
  const mediaSigner = new UrlSigner(mediaUrlSigningKey(settings.mediaUrlSecret), settings.signedUrlTtlSec);
  const baseUrl = (req: Request) =>
    settings.publicBaseUrl ?? `${req.protocol}://${req.get('host') ?? 'localhost'}`;

  const ctx: RouteContext = {
    settings,
    db,
    redis,
    pipeline,
    // The lifecycle's lines then carry the request id (req.log is made only if something logs).
    pipelineFor: (req) => ({
      ...pipeline,
      get logger() {
        return req.log;
      },
    }),
    storage,
    guards: createAuthGuards(authenticate, settings.cronSecret),
    authenticator: authenticate,
    streams,
    rateLimiter,
    queueDepth: new QueueDepth(pipeline.queues, settings.queueDepthCacheMs),
    mediaSigner,
    webhookKey: webhookSigningKey(settings.webhookSecret),
    metrics,
    deliveries,
    clock,
    baseUrl,
    episodeView: (req, episode, urlVersion) =>
      toEpisodeView(
        episode,
        episodeUrls(episode.id, { baseUrl: baseUrl(req), signer: mediaSigner, urlVersion }),
      ),
  };

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback, linklocal, uniquelocal'); // req.protocol behind a local reverse proxy
  app.set('etag', false);
  app.use(requestTracing);
  app.use(requestLogging(app, logger));
  app.use(metrics.httpTimer);
  app.use(helmet());
  app.use(cors(settings.corsOrigins));
  // Uploads stream into storage under their own limit (UPLOAD_MAX_BYTES), so they come before the JSON one.
  app.use(uploadsRouter(ctx));
  app.use(refuseOversizedBodies(BODY_LIMIT_BYTES));
  app.use(express.json({ limit: BODY_LIMIT_BYTES }));
  app.use(rejectUnreadablePaths);

  // Express walks routers in order until one answers: the hot paths (submit, cache hit, polling)
  // come first. No two routers share a path, so the order changes nothing else.
  app.use(episodesRouter(ctx));
  app.use(jobsRouter(ctx));
  app.use(clipsRouter(ctx));
  app.use(systemRouter(ctx));
  app.use(usersRouter(ctx));
  app.use(keysRouter(ctx));
  app.use(adminRouter(ctx));
  app.use(cronRouter(ctx));
  app.use(feedsRouter(ctx));
  app.use(podcastShowRouter(ctx));
  app.use(voicesRouter(ctx));
  app.use(feedbackRouter(ctx));
  app.use(samplesRouter());
  app.use(webRouter(ctx));
  app.use(bullBoardRouter(ctx));

  app.use(notFoundHandler);
  app.use(errorHandler);

  return {
    app,
    pipeline,
    streams,
    metrics,
    async close() {
      streams.closeAll();
      await deliveries.flush();
      await closePipelineContext(pipeline);
    },
  };
}

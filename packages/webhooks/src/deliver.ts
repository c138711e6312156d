import type { PrismaClient } from '@podfleet/db';
import { toEpisodeView, toJobView } from '@podfleet/pipeline';
import { parseRetryAfter, safeFetch } from '@podfleet/providers';
import { redactSecrets, redactString, type WebhookPayload } from '@podfleet/queue';
import { observeProviderCall } from '@podfleet/telemetry';
import { type EpisodeUrlOptions, episodeUrls } from './episode-urls';
import { userWebhookSecret } from './keys';
import { SIGNATURE_HEADER, signPayload } from './signature';

export interface DeliverOptions {
  /** `webhookSigningKey(WEBHOOK_SECRET)`: each user's signing secret is derived from it. */
  webhookKey: Buffer;
  /** 1 for the first try (BullMQ: `job.attemptsMade + 1`). */
  attempt: number;
  /** Lets the URL resolve to private addresses (ALLOW_PRIVATE_SOURCE_URLS; tests only). */
  allowPrivate?: boolean;
  /** How the episode's URLs in the body are made. */
  urls?: EpisodeUrlOptions;
  timeoutMs?: number;
  /** Clock in ms, for the signature timestamp. */
  now?: () => number;
}

export interface DeliveryResult {
  deliveryId: string;
  statusCode: number;
  durationMs: number;
}

/** A failed attempt. `retryable` and `retryAfterMs` steer the queue's backoff (see @podfleet/queue toJobError). */
export class WebhookDeliveryError extends Error {
  readonly code = 'WEBHOOK_FAILED';
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly statusCode: number | null,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'WebhookDeliveryError';
  }
}

const DEFAULT_TIMEOUT_MS = 10_000;
/** Receivers answer with a status; their body is read (capped) only to free the connection. */
const MAX_RESPONSE_BYTES = 256 * 1024;

function errorProps(err: unknown): { message: string; retryable: boolean } {
  const message = err instanceof Error ? err.message : String(err);
  const retryable = (err as { retryable?: unknown } | null)?.retryable;
  return { message, retryable: typeof retryable === 'boolean' ? retryable : true };
}

/**
 * POSTs `{event, job, episode?}` to the URL, signed with the job owner's secret, and records the
 * attempt in WebhookDelivery. Resolves on 2xx; throws WebhookDeliveryError otherwise (retryable
 * for non-2xx answers and network errors, not for URLs the SSRF guard refuses), so the webhooks
 * queue retries with backoff. A job that no longer exists is skipped (null).
 */
export async function deliverWebhook(
  db: PrismaClient,
  payload: WebhookPayload,
  opts: DeliverOptions,
): Promise<DeliveryResult | null> {
  const job = await db.job.findUnique({
    where: { id: payload.jobId },
    include: { episode: true, user: { select: { mediaUrlVersion: true } } },
  });
  if (!job) return null;
  const urls = { ...(opts.urls ?? { baseUrl: '' }), urlVersion: job.user.mediaUrlVersion };
  const body = JSON.stringify({
    event: payload.event,
    job: toJobView(job),
    ...(job.episode ? { episode: toEpisodeView(job.episode, episodeUrls(job.episode.id, urls)) } : {}),
  });
  const requestBody = JSON.parse(body) as object;
  const delivery = await startDelivery(db, payload, opts.attempt, requestBody);
  const t = Math.floor((opts.now?.() ?? Date.now()) / 1000);
  const signature = signPayload(userWebhookSecret(opts.webhookKey, job.userId), body, t);

  const started = performance.now();
  let statusCode: number | null = null;
  let failure: WebhookDeliveryError | null = null;
  const call = {
    kind: 'webhook',
    provider: 'http',
    operation: 'deliver',
    attributes: { 'podfleet.webhook.event': payload.event, 'podfleet.webhook.attempt': opts.attempt },
  } as const;
  try {
    statusCode = await observeProviderCall(call, async (span) => {
      const res = await safeFetch(payload.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'podfleet-webhooks/1',
          [SIGNATURE_HEADER]: signature,
          'x-podfleet-event': payload.event,
          // Receivers may dedupe on it: the same event of the same job keeps its delivery id across retries.
          'x-podfleet-delivery': payload.deliveryId ?? `${payload.jobId}.${payload.event}`,
        },
        body,
        allowPrivate: opts.allowPrivate ?? false,
        maxRedirects: 0,
        maxBytes: MAX_RESPONSE_BYTES,
        timeoutMs: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS,
        httpErrors: 'return',
      }).catch((err: unknown) => {
        const { message, retryable } = errorProps(err);
        throw new WebhookDeliveryError(message, retryable, null);
      });
      span.setAttribute('http.response.status_code', res.status);
      if (res.status < 200 || res.status >= 300) {
        throw new WebhookDeliveryError(
          `${payload.url} answered HTTP ${res.status}`,
          true,
          res.status,
          parseRetryAfter(res.headers['retry-after']),
        );
      }
      return res.status;
    });
  } catch (err) {
    failure = err instanceof WebhookDeliveryError ? err : new WebhookDeliveryError(String(err), true, null);
    statusCode = failure.statusCode;
  }
  const durationMs = Math.round(performance.now() - started);
  await db.webhookDelivery.update({
    where: { id: delivery },
    data: {
      statusCode,
      durationMs,
      error: failure ? failure.message.slice(0, 1000) : null,
      deliveredAt: failure ? null : new Date(),
    },
  });
  if (failure) throw failure;
  return { deliveryId: delivery, statusCode: statusCode ?? 0, durationMs };
}

/** The attempt's row: the producer's pre-recorded one for a first try, a new one otherwise. */
async function startDelivery(
  db: PrismaClient,
  payload: WebhookPayload,
  attempt: number,
  requestBody: object,
): Promise<string> {
  // The record keeps no secret: a token in the URL's query, the audio URL's signature.
  const stored = redactSecrets(requestBody);
  if (payload.deliveryId) {
    const { count } = await db.webhookDelivery.updateMany({
      where: { id: payload.deliveryId, statusCode: null, error: null, deliveredAt: null },
      data: { attempt, requestBody: stored },
    });
    if (count === 1) return payload.deliveryId;
  }
  const row = await db.webhookDelivery.create({
    data: {
      jobId: payload.jobId,
      webhookUrl: redactString(payload.url),
      event: payload.event,
      attempt,
      requestBody: stored,
    },
  });
  return row.id;
}

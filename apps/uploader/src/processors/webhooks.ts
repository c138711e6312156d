import type { UploaderConfig } from '@podfleet/config';
import type { PrismaClient } from '@podfleet/db';
import type { QueueProcessor } from '@podfleet/queue';
import { deliverWebhook, mediaUrlSigningKey, UrlSigner, webhookSigningKey } from '@podfleet/webhooks';

/** Delivers one webhook attempt (signed, SSRF-guarded, recorded); BullMQ retries non-2xx answers. */
export function webhooksProcessor(db: PrismaClient, config: UploaderConfig): QueueProcessor<'webhooks'> {
  const webhookKey = webhookSigningKey(config.WEBHOOK_SECRET);
  const signer = new UrlSigner(mediaUrlSigningKey(config.MEDIA_URL_SECRET), config.SIGNED_URL_TTL_SEC);
  return (payload, job) =>
    deliverWebhook(db, payload, {
      webhookKey,
      attempt: job.attemptsMade + 1,
      allowPrivate: config.ALLOW_PRIVATE_SOURCE_URLS,
      urls: { baseUrl: config.PUBLIC_BASE_URL ?? 'http://localhost:3000', signer },
    });
}

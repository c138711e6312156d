import { createHmac } from 'node:crypto';

/**
 * A signing secret is never used as a key itself: each purpose derives its own key with its
 * label, so a secret mistakenly set as both MEDIA_URL_SECRET and WEBHOOK_SECRET still gives two
 * unrelated keys (a signed URL says nothing about webhook secrets, and the other way round).
 */
function purposeKey(secret: string, purpose: 'media-urls' | 'webhooks'): Buffer {
  return createHmac('sha256', secret).update(`podfleet:${purpose}:v1`).digest();
}

/** The key signed audio URLs are made and checked with (UrlSigner), from MEDIA_URL_SECRET. */
export function mediaUrlSigningKey(mediaUrlSecret: string): Buffer {
  return purposeKey(mediaUrlSecret, 'media-urls');
}

/** The key every user's webhook secret is derived from (userWebhookSecret), from WEBHOOK_SECRET. */
export function webhookSigningKey(webhookSecret: string): Buffer {
  return purposeKey(webhookSecret, 'webhooks');
}

/**
 * The secret a user's webhook deliveries are signed with: derived per user from the webhook
 * key, so every user verifies with their own secret (shown by GET /v1/me) and cannot forge
 * deliveries to another user's endpoint.
 */
export function userWebhookSecret(webhookKey: Buffer, userId: string): string {
  return `whsec_${createHmac('sha256', webhookKey).update(`user:${userId}`).digest('base64url')}`;
}

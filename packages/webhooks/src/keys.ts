import { createHmac } from 'node:crypto';

/**
 * Sub-keys derived from one operator secret (ADMIN_API_KEY), one per purpose, so no extra
 * secret has to be configured and a leaked sub-key reveals neither the master nor its siblings.
 * Rotating the master rotates them all.
 */
export function deriveKey(master: string, purpose: 'webhooks' | 'media-urls'): Buffer {
  return createHmac('sha256', master).update(`podfleet:${purpose}:v1`).digest();
}

/**
 * The secret a user's webhook deliveries are signed with: derived per user from the webhook
 * key, so every user verifies with their own secret (shown by GET /v1/me) and cannot forge
 * deliveries to another user's endpoint.
 */
export function userWebhookSecret(webhookKey: Buffer, userId: string): string {
  return `whsec_${createHmac('sha256', webhookKey).update(`user:${userId}`).digest('base64url')}`;
}

// @podfleet/webhooks: signed webhook deliveries and the other HMAC-signed things podfleet hands
// out (per-user webhook secrets, expiring media URLs). The `webhooks` queue's processor calls
// deliverWebhook; the API shows each user their secret and signs audio URLs with UrlSigner.
export { type ClipFormat, clipMediaPath, clipMediaSignedPart, clipMediaUrls } from './clip-urls';
export { type DeliverOptions, type DeliveryResult, deliverWebhook, WebhookDeliveryError } from './deliver';
export {
  type EpisodeUrlOptions,
  episodeAudioPath,
  episodeChaptersPath,
  episodeTranscriptPath,
  episodeUrls,
  feedMediaUrls,
  feedUrlExpiry,
} from './episode-urls';
export { mediaUrlSigningKey, userWebhookSecret, webhookSigningKey } from './keys';
export {
  DEFAULT_TOLERANCE_SEC,
  SIGNATURE_HEADER,
  signPayload,
  type VerifyOptions,
  verifySignature,
} from './signature';
export { type SignedUrlParams, UrlSigner } from './signed-urls';

import { assertPublicUrl } from '@podfleet/providers';
import { HttpProblem } from '../http/problem';

/**
 * The SSRF guard at the door: a webhook URL must resolve to public addresses (delivery checks
 * again, at connect time, through safeFetch). 422 naming the field otherwise.
 */
export async function checkWebhookUrl(
  url: string,
  allowPrivate: boolean,
  path = 'webhookUrl',
): Promise<void> {
  try {
    await assertPublicUrl(url, { allowPrivate });
  } catch (err) {
    throw new HttpProblem(422, {
      type: 'validation',
      detail: 'the webhook URL is not allowed',
      errors: [{ path, message: err instanceof Error ? err.message : String(err), code: 'forbidden_url' }],
    });
  }
}

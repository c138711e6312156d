import { assertPublicUrl, ForbiddenAddressError } from '@podfleet/providers';
import type { Logger } from '@podfleet/queue';
import { HttpProblem } from '../http/problem';

/**
 * The SSRF guard at the door: a webhook URL must resolve to public addresses (delivery checks
 * again, at connect time, through safeFetch). 422 naming the field otherwise, saying "not a public
 * address" without the address or host it found (those go to the log).
 */
export async function checkWebhookUrl(
  url: string,
  allowPrivate: boolean,
  log: Logger,
  path = 'webhookUrl',
): Promise<void> {
  try {
    await assertPublicUrl(url, { allowPrivate });
  } catch (err) {
    if (err instanceof ForbiddenAddressError) log.info({ detail: err.detail, path }, 'webhook URL refused');
    throw new HttpProblem(422, {
      type: 'validation',
      detail: 'the webhook URL is not allowed',
      errors: [{ path, message: err instanceof Error ? err.message : String(err), code: 'forbidden_url' }],
    });
  }
}

// Test support private to this package: inputs for the job repository.
import type { SubmitJobInput } from '../src/repositories/jobs';

/** submitJob's input for a plain custom job of `userId` (enqueued if a slot is free), `extra` on top. */
export const customJobInput = (userId: string, extra: Partial<SubmitJobInput> = {}): SubmitJobInput => ({
  userId,
  type: 'custom',
  request: { type: 'custom', sources: [{ kind: 'text', text: 'Hello.' }], style: { hosts: 2 } },
  priority: 'normal',
  idempotencyKey: null,
  cacheKey: null,
  pregenerated: false,
  partial: false,
  webhookUrl: null,
  dedupeInFlight: false,
  maxActiveJobs: 3,
  ...extra,
});

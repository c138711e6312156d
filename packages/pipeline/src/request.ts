import { sourceSpecSchema, stylePatchSchema } from '@podfleet/providers';
import { z } from 'zod';

/** `POST /v1/episodes` body (CONTRACT "Episode request"). */
export const episodeRequestSchema = z
  .object({
    type: z.enum(['daily', 'weekly', 'custom']).default('custom'),
    sources: z.array(sourceSpecSchema).min(1).max(20).optional(),
    style: stylePatchSchema.optional(),
    forceRegenerate: z.boolean().default(false),
    priority: z.enum(['high', 'normal', 'low']).default('normal'),
    webhookUrl: z
      .url({ protocol: /^https?$/ })
      .max(2048)
      .optional(),
  })
  .strict()
  .refine((r) => r.type !== 'custom' || (r.sources?.length ?? 0) > 0, {
    path: ['sources'],
    message: 'a custom episode needs at least one source',
  });

export type EpisodeRequest = z.infer<typeof episodeRequestSchema>;
export type EpisodeRequestInput = z.input<typeof episodeRequestSchema>;

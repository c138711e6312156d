import { z } from 'zod';

export const PLATFORMS = ['tiktok', 'reels', 'shorts', 'x', 'generic'] as const;
export type Platform = (typeof PLATFORMS)[number];

/** Every clip lasts between these, whatever the platform or request. */
export const CLIP_MIN_SEC = 12;
export const CLIP_MAX_SEC = 60;

export interface PlatformPreset {
  minSec: number;
  maxSec: number;
  /** The length the `lengthFit` feature favours. */
  targetSec: number;
}

/**
 * Lengths that do well on each platform, inside 12–60 s: short-form feeds reward clips that end
 * before viewers swipe (TikTok and Reels around half a minute, Shorts a little longer), X plays
 * short video inline, `generic` allows the whole range.
 */
export const PLATFORM_PRESETS: Readonly<Record<Platform, PlatformPreset>> = {
  tiktok: { minSec: 15, maxSec: 45, targetSec: 30 },
  reels: { minSec: 15, maxSec: 45, targetSec: 30 },
  shorts: { minSec: 15, maxSec: 58, targetSec: 40 },
  x: { minSec: 12, maxSec: 45, targetSec: 25 },
  generic: { minSec: 12, maxSec: 60, targetSec: 30 },
};

export const clipRequestSchema = z
  .object({
    platform: z.enum(PLATFORMS).default('generic'),
    count: z.number().int().min(1).max(10).default(3),
    minSec: z.number().min(CLIP_MIN_SEC).max(CLIP_MAX_SEC).optional(),
    maxSec: z.number().min(CLIP_MIN_SEC).max(CLIP_MAX_SEC).optional(),
    formats: z
      .array(z.enum(['mp3', 'mp4']))
      .min(1)
      .default(['mp3', 'mp4'])
      .transform((formats) => [...new Set(formats)]),
  })
  .strict()
  .refine((r) => (r.minSec ?? CLIP_MIN_SEC) <= (r.maxSec ?? CLIP_MAX_SEC), {
    message: 'minSec must not exceed maxSec',
    path: ['minSec'],
  });
export type ClipRequest = z.infer<typeof clipRequestSchema>;

/** The window lengths a request allows: its own bounds where given, else the platform's. */
export function lengthBounds(request: Pick<ClipRequest, 'platform' | 'minSec' | 'maxSec'>): PlatformPreset {
  const preset = PLATFORM_PRESETS[request.platform];
  const minSec =
    request.minSec ??
    (request.maxSec !== undefined ? Math.min(preset.minSec, request.maxSec) : preset.minSec);
  const maxSec =
    request.maxSec ??
    (request.minSec !== undefined ? Math.max(preset.maxSec, request.minSec) : preset.maxSec);
  return { minSec, maxSec, targetSec: Math.min(maxSec, Math.max(minSec, preset.targetSec)) };
}

import { z } from 'zod';

/** Episode.chapters: [{title, startSec}]. */
const chapterSchema = z.object({ title: z.string(), startSec: z.number().min(0) });

export const CHAPTERS_CONTENT_TYPE = 'application/json+chapters';

/**
 * Podcasting 2.0 JSON chapters (podcast:chapters). Start times are rounded to the millisecond, as
 * the MP3's ID3 CHAP frames hold them, so both list the same instants.
 */
export function toJsonChapters(raw: unknown): string {
  const chapters = (Array.isArray(raw) ? raw : []).flatMap((c) => {
    const parsed = chapterSchema.safeParse(c);
    return parsed.success ? [parsed.data] : [];
  });
  return JSON.stringify({
    version: '1.2.0',
    chapters: chapters.map((c) => ({ startTime: Math.round(c.startSec * 1000) / 1000, title: c.title })),
  });
}

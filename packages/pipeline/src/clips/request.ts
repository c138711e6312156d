// A clips job's request as stored on its Job row, and what the API and the clips stage both read
// of an episode: its timed transcript and what it is about.
import { createHash } from 'node:crypto';
import { type ClipRequest, lengthBounds, PLATFORMS, type TimedSegment } from '@podfleet/clips';
import type { Episode } from '@podfleet/db';
import { z } from 'zod';

/**
 * The request a clips job stores (Job.request): the episode and the clip request normalised, so
 * two requests that ask for the same clips are equal: explicit length bounds (the platform's
 * preset where the client gave none), formats deduplicated and sorted.
 */
export const clipsJobRequestSchema = z.object({
  episodeId: z.string().min(1),
  platform: z.enum(PLATFORMS),
  count: z.number().int().min(1).max(10),
  minSec: z.number(),
  maxSec: z.number(),
  formats: z.array(z.enum(['mp3', 'mp4'])).min(1),
});
export type ClipsJobRequest = z.infer<typeof clipsJobRequestSchema>;

/** The stored form of a validated clip request for `episodeId` (see clipsJobRequestSchema). */
export function normaliseClipsRequest(episodeId: string, request: ClipRequest): ClipsJobRequest {
  const { minSec, maxSec } = lengthBounds(request);
  return {
    episodeId,
    platform: request.platform,
    count: request.count,
    minSec,
    maxSec,
    formats: [...new Set(request.formats)].sort(),
  };
}

/** Job.cacheKey of a clips request: `clips:{episodeId}:{hash of the normalised request}`. */
export function clipsCacheKey(request: ClipsJobRequest): string {
  const { episodeId, platform, count, minSec, maxSec, formats } = request;
  const hash = createHash('sha256')
    .update(JSON.stringify([platform, count, minSec, maxSec, formats]))
    .digest('hex')
    .slice(0, 16);
  return `clips:${episodeId}:${hash}`;
}

const storedSegmentSchema = z.object({
  speaker: z.string().catch(''),
  text: z.string().catch(''),
  start: z.number().catch(Number.NaN),
  end: z.number().catch(Number.NaN),
});

/**
 * The episode's transcript lines as clip selection reads them (untimed or malformed lines kept as
 * untimed: selection skips them), and whether any line is timed and spoken: without one, no clip
 * can be cut (the API answers 409, a transcript is needed).
 */
export function timedTranscript(transcript: unknown): { segments: TimedSegment[]; timed: boolean } {
  const lines = Array.isArray(transcript) ? transcript : [];
  const segments = lines.map((line) => {
    const parsed = storedSegmentSchema.safeParse(line);
    return parsed.success ? parsed.data : { speaker: '', text: '', start: Number.NaN, end: Number.NaN };
  });
  const timed = segments.some(
    (s) => s.text.trim().length > 0 && Number.isFinite(s.start) && Number.isFinite(s.end) && s.end > s.start,
  );
  return { segments, timed };
}

/** What the episode is about, for the topic feature: its title, description and chapter titles. */
export function episodeTopic(episode: Pick<Episode, 'title' | 'description' | 'chapters'>): string {
  const chapters = Array.isArray(episode.chapters) ? episode.chapters : [];
  const titles = chapters.map((c) =>
    c && typeof c === 'object' && 'title' in c && typeof c.title === 'string' ? c.title : '',
  );
  return [episode.title, episode.description, ...titles].join('. ');
}

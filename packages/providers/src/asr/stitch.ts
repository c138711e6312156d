import type { AudioChunk } from './chunks';
import type { TranscriptSegment } from './types';

/** A segment as the server timed it: seconds from the start of its chunk. */
export interface ChunkSegment {
  start: number;
  end: number;
  text: string;
}

export interface ChunkTranscript extends AudioChunk {
  segments: ChunkSegment[];
}

/** Whisper has no diarisation: every segment gets this speaker. */
export const ASR_SPEAKER = 'Speaker';

const midpoint = (s: { start: number; end: number }) => (s.start + s.end) / 2;
const length = (s: { start: number; end: number }) => s.end - s.start;

/**
 * One transcript from the chunks' transcripts (in file order), by the midpoint rule:
 *
 * 1. Each segment is shifted by its chunk's start and clipped to the chunk; one left with no
 *    text or no length is dropped.
 * 2. The overlap of two neighbours is cut at its middle: a chunk keeps the segments whose time
 *    midpoint lies between the middle of its overlap with the previous chunk and the middle of
 *    its overlap with the segment. Speech in an overlap is heard by both chunks; the copy kept is
 *    the one further from its chunk's edge, where a cut-off word is likeliest.
 * 3. Neighbours that still overlap are timed differently by the two chunks: overlapping by half
 *    the shorter one or more, they are the same speech (both copies straddled the middle, each
 *    cut short by its chunk's edge) and the longer copy is kept; overlapping less, the later one
 *    starts where the earlier ends.
 *
 * The result is in time order, without overlaps, every segment `end > start`.
 */
export function stitchChunks(chunks: readonly ChunkTranscript[]): TranscriptSegment[] {
  const cut = (i: number) => {
    const left = chunks[i];
    const right = chunks[i + 1];
    return left && right ? (right.start + left.end) / 2 : Number.POSITIVE_INFINITY;
  };
  const kept: TranscriptSegment[] = [];
  chunks.forEach((chunk, i) => {
    const from = i === 0 ? Number.NEGATIVE_INFINITY : cut(i - 1);
    const to = cut(i);
    for (const s of chunk.segments) {
      const segment = {
        speaker: ASR_SPEAKER,
        text: s.text.replace(/\s+/g, ' ').trim(),
        start: Math.max(chunk.start, chunk.start + s.start),
        end: Math.min(chunk.end, chunk.start + s.end),
      };
      if (!segment.text || segment.end <= segment.start) continue;
      const mid = midpoint(segment);
      if (mid >= from && mid < to) kept.push(segment);
    }
  });
  kept.sort((a, b) => a.start - b.start || a.end - b.end);

  const result: TranscriptSegment[] = [];
  for (const segment of kept) {
    for (;;) {
      const previous = result.at(-1);
      if (!previous || segment.start >= previous.end) {
        result.push(segment);
        break;
      }
      const overlap = Math.min(previous.end, segment.end) - segment.start;
      if (overlap < Math.min(length(previous), length(segment)) / 2) {
        result.push({ ...segment, start: previous.end });
        break;
      }
      // The same speech twice: the longer copy replaces the other, and is checked against the one before.
      if (length(segment) <= length(previous)) break;
      result.pop();
    }
  }
  return result;
}

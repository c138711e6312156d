import { z } from 'zod';

/** Episode.transcript: timed segments in seconds. */
export const segmentSchema = z.object({
  speaker: z.string(),
  text: z.string(),
  start: z.number().min(0),
  end: z.number().min(0),
});
export type Segment = z.infer<typeof segmentSchema>;

/** `podcast-json`: the Podcasting 2.0 JSON transcript, which feeds link (podcast:transcript). */
export const TRANSCRIPT_FORMATS = ['json', 'vtt', 'srt', 'txt', 'podcast-json'] as const;
export type TranscriptFormat = (typeof TRANSCRIPT_FORMATS)[number];

export const CONTENT_TYPES: Record<TranscriptFormat, string> = {
  json: 'application/json; charset=utf-8',
  'podcast-json': 'application/json; charset=utf-8',
  vtt: 'text/vtt; charset=utf-8',
  srt: 'application/x-subrip; charset=utf-8',
  txt: 'text/plain; charset=utf-8',
};

/** Segments stored on the episode; malformed entries are dropped rather than failing the request. */
export function readSegments(raw: unknown): Segment[] {
  if (!Array.isArray(raw)) return [];
  return raw.flatMap((s) => {
    const parsed = segmentSchema.safeParse(s);
    return parsed.success ? [parsed.data] : [];
  });
}

/** `hh:mm:ss.mmm` (WebVTT) or `hh:mm:ss,mmm` (SRT), rounded to the millisecond. */
export function timestamp(seconds: number, separator: '.' | ','): string {
  const totalMs = Math.max(0, Math.round(seconds * 1000));
  const ms = totalMs % 1000;
  const totalSec = (totalMs - ms) / 1000;
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  return `${pad(Math.floor(totalSec / 3600))}:${pad(Math.floor(totalSec / 60) % 60)}:${pad(totalSec % 60)}${separator}${pad(ms, 3)}`;
}

/** Cue text may not contain a blank line (it would end the cue) nor, in VTT, "-->". */
function cueText(text: string): string {
  return text
    .replace(/\r?\n\s*\r?\n/g, '\n')
    .replace(/-->/g, '->')
    .trim();
}

/** WebVTT voice spans escape `&`, `<` and `>`; speaker names go inside `<v …>`. */
function vttEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function toVtt(segments: Segment[]): string {
  const cues = segments.map(
    (s, i) =>
      `${i + 1}\n${timestamp(s.start, '.')} --> ${timestamp(Math.max(s.end, s.start), '.')}\n` +
      `<v ${vttEscape(s.speaker).replace(/\s+/g, ' ')}>${vttEscape(cueText(s.text))}`,
  );
  return `WEBVTT\n\n${cues.join('\n\n')}${cues.length > 0 ? '\n' : ''}`;
}

export function toSrt(segments: Segment[]): string {
  return segments
    .map(
      (s, i) =>
        `${i + 1}\n${timestamp(s.start, ',')} --> ${timestamp(Math.max(s.end, s.start), ',')}\n${s.speaker}: ${cueText(s.text)}\n`,
    )
    .join('\n');
}

export function toText(segments: Segment[]): string {
  return segments.map((s) => `${s.speaker}: ${s.text.trim()}`).join('\n') + (segments.length > 0 ? '\n' : '');
}

/** Podcasting 2.0 JSON transcript (podcastindex.org namespace, transcripts): one segment per turn. */
export function toPodcastJson(segments: Segment[]): string {
  return JSON.stringify({
    version: '1.0.0',
    segments: segments.map((s) => ({
      speaker: s.speaker,
      startTime: s.start,
      endTime: Math.max(s.end, s.start),
      body: s.text.trim(),
    })),
  });
}

import { parse as parseSubtitles } from '@plussub/srt-vtt-parser';
import { z } from 'zod';

/** A timed line, as the audio stage publishes it and clips select from. */
export interface TranscriptSegment {
  speaker: string;
  text: string;
  start: number;
  end: number;
}

export type TranscriptFormat = 'vtt' | 'srt' | 'json';

interface SubtitleCue {
  id: string;
  /** Milliseconds. */
  from: number;
  to: number;
  text: string;
}

export class TranscriptError extends Error {
  readonly code = 'TRANSCRIPT_INVALID';
  constructor(message: string) {
    super(message);
    this.name = 'TranscriptError';
  }
}

const jsonSegmentSchema = z
  .object({
    speaker: z.string().max(80).default(''),
    text: z.string(),
    start: z.number().min(0),
    end: z.number().min(0),
  })
  .refine((s) => s.end > s.start, { message: 'end must be after start', path: ['end'] });
/** podfleet's own transcript JSON: `{ segments: [...] }` (what /transcript.json serves) or the bare array. */
const jsonSegmentsSchema = z.array(jsonSegmentSchema);
const jsonTranscriptSchema = z.object({ segments: jsonSegmentsSchema });

// A cue's voice: WebVTT's <v Name> tag, or a "Name:" prefix (SRT has no speaker field).
const VTT_VOICE = /^<v(?:\.[\w.-]+)?\s+([^>]+)>/;
const NAME_PREFIX = /^([\p{Lu}][\p{L}'-]{0,30}(?: [\p{Lu}][\p{L}'-]{0,30})?):\s+/u;

/** Which format a transcript is, from its content: JSON, WEBVTT header, else SRT's numbered cues. */
export function detectTranscriptFormat(text: string): TranscriptFormat | null {
  const head = text.replace(/^\uFEFF/, '').trimStart();
  if (head.startsWith('{') || head.startsWith('[')) return 'json';
  if (/^WEBVTT(?:[ \t]|$)/m.test(head.split('\n', 1)[0] ?? '')) return 'vtt';
  if (/^\d+\s*\r?\n\s*\d{1,2}:\d{2}:\d{2}[,.]\d{1,3}\s*-->/.test(head)) return 'srt';
  return null;
}

function cueSegment(raw: string, startMs: number, endMs: number): TranscriptSegment {
  let text = raw.replace(/\r/g, '').trim();
  let speaker = '';
  const voice = VTT_VOICE.exec(text);
  if (voice) {
    speaker = (voice[1] ?? '').trim();
    text = text.slice(voice[0].length);
  } else {
    const named = NAME_PREFIX.exec(text);
    if (named) {
      speaker = named[1] ?? '';
      text = text.slice(named[0].length);
    }
  }
  text = text
    .replace(/<[^>]+>/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  return { speaker, text, start: startMs / 1000, end: endMs / 1000 };
}

/**
 * Timed segments of an uploaded transcript (WebVTT, SRT or podfleet JSON), in time order, empty
 * cues dropped. Anything unreadable is a TranscriptError saying what.
 */
export function parseTranscript(text: string): { format: TranscriptFormat; segments: TranscriptSegment[] } {
  const format = detectTranscriptFormat(text);
  if (!format) throw new TranscriptError('the transcript is not WebVTT, SRT or podfleet JSON');
  let segments: TranscriptSegment[];
  if (format === 'json') {
    let data: unknown;
    try {
      data = JSON.parse(text.replace(/^\uFEFF/, ''));
    } catch (err) {
      throw new TranscriptError(`the transcript is not valid JSON: ${(err as Error).message}`);
    }
    const parsed = Array.isArray(data)
      ? jsonSegmentsSchema.safeParse(data)
      : jsonTranscriptSchema.transform((t) => t.segments).safeParse(data);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new TranscriptError(`transcript JSON: ${issue?.path.join('.') || '(root)'}: ${issue?.message}`);
    }
    segments = parsed.data.map((s) => ({ ...s, text: s.text.trim() }));
  } else {
    // Its declarations import './types' without an extension, which NodeNext cannot follow.
    const { entries } = parseSubtitles(text.replace(/^\uFEFF/, '')) as { entries: SubtitleCue[] };
    segments = entries.map((e) => cueSegment(e.text, e.from, e.to));
    const backwards = segments.find((s) => !(s.end > s.start));
    if (backwards) throw new TranscriptError(`a cue at ${backwards.start} s ends before it starts`);
  }
  segments = segments.filter((s) => s.text.length > 0).sort((a, b) => a.start - b.start);
  if (segments.length === 0) throw new TranscriptError('the transcript has no timed text');
  return { format, segments };
}

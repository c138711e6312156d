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

/** A chapter mark, as the audio stage publishes it (podfleet JSON transcripts may carry them). */
export interface TranscriptChapter {
  title: string;
  startSec: number;
}

export interface ParsedTranscript {
  format: TranscriptFormat;
  segments: TranscriptSegment[];
  chapters: TranscriptChapter[];
}

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
/** podfleet's own transcript JSON: `{ segments, chapters? }` (what /transcript.json serves) or the bare array. */
const jsonSegmentsSchema = z.array(jsonSegmentSchema);
const jsonChapterSchema = z.object({ title: z.string().trim().min(1).max(200), startSec: z.number().min(0) });
const jsonTranscriptSchema = z.object({
  segments: jsonSegmentsSchema,
  chapters: z.array(jsonChapterSchema).max(500).default([]),
});

// A cue timing line: `[hh:]mm:ss.mmm --> [hh:]mm:ss.mmm [settings]` (SRT writes a comma).
const CUE_TIMING =
  /^\s*((?:\d+:)?\d{1,2}:\d{2}[.,]\d{1,3})[ \t]+-->[ \t]+((?:\d+:)?\d{1,2}:\d{2}[.,]\d{1,3})(?:[ \t]+\S.*)?\s*$/;

const timestampSec = (stamp: string) =>
  stamp
    .replace(',', '.')
    .split(':')
    .reduce((total, part) => total * 60 + Number(part), 0);

/**
 * Checks every cue of a WebVTT or SRT text, naming the line of the first bad one: a cue whose
 * timing is missing or malformed, or that ends before it starts. (The subtitle parser skips,
 * mangles or crashes on such cues without saying where.)
 */
function checkCueTimings(text: string, format: 'vtt' | 'srt'): void {
  const lines = text.split(/\r?\n/);
  const expected = format === 'vtt' ? 'hh:mm:ss.mmm --> hh:mm:ss.mmm' : 'hh:mm:ss,mmm --> hh:mm:ss,mmm';
  let start = 0;
  while (start < lines.length) {
    if (lines[start]!.trim() === '') {
      start++;
      continue;
    }
    let end = start;
    while (end < lines.length && lines[end]!.trim() !== '') end++;
    const block = lines.slice(start, end);
    const header = format === 'vtt' && (start === 0 || /^(NOTE|STYLE|REGION)(\s|$)/.test(block[0]!));
    if (!header) {
      // The timing is the block's first line, or its second after a cue identifier (SRT's number).
      const identified =
        block[1]?.includes('-->') || (format === 'srt' && block.length > 1 && /^\d+\s*$/.test(block[0]!));
      const at = identified ? 1 : 0;
      const timing = CUE_TIMING.exec(block[at]!);
      const line = `line ${start + at + 1}`;
      if (!timing) {
        throw new TranscriptError(
          `${line}: "${block[at]!.trim().slice(0, 60)}" is not a cue timing (${expected})`,
        );
      }
      if (!(timestampSec(timing[2]!) > timestampSec(timing[1]!))) {
        throw new TranscriptError(`${line}: the cue ends (${timing[2]}) before it starts (${timing[1]})`);
      }
    }
    start = end;
  }
}

/** The 1-based line of a character offset. */
const lineOf = (text: string, offset: number) => text.slice(0, offset).split('\n').length;

// A JSON string holds no raw control characters (\p{Cc} also takes DEL and C1, which only moves a reported line).
const JSON_LITERAL =
  /true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|"(?:[^"\\\p{Cc}]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/uy;

/**
 * Where JSON.parse gave up on `text` (V8 names no position for many errors): the offset of the
 * first character that cannot continue a JSON document.
 */
function jsonErrorOffset(text: string): number {
  let i = 0;
  const space = () => {
    while (i < text.length && ' \t\r\n'.includes(text[i]!)) i++;
  };
  const fail = (): never => {
    throw i;
  };
  const value = (): void => {
    space();
    const c = text[i];
    if (c === '{' || c === '[') {
      const close = c === '{' ? '}' : ']';
      i++;
      space();
      if (text[i] === close) {
        i++;
        return;
      }
      for (;;) {
        if (close === '}') {
          space();
          if (text[i] !== '"') fail();
          value();
          space();
          if (text[i] !== ':') fail();
          i++;
        }
        value();
        space();
        if (text[i] === ',') i++;
        else if (text[i] === close) {
          i++;
          return;
        } else fail();
      }
    }
    JSON_LITERAL.lastIndex = i;
    if (!JSON_LITERAL.test(text)) fail();
    i = JSON_LITERAL.lastIndex;
  };
  try {
    value();
    space();
    return i;
  } catch (offset) {
    return offset as number;
  }
}

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
 * Timed segments (and chapters, from podfleet JSON) of an uploaded transcript (WebVTT, SRT or
 * podfleet JSON), in time order, empty cues dropped. Anything unreadable is a TranscriptError
 * saying what, and where (line number) when it can.
 */
export function parseTranscript(raw: string): ParsedTranscript {
  const text = raw.replace(/^\uFEFF/, '');
  const format = detectTranscriptFormat(text);
  if (!format) throw new TranscriptError('the transcript is not WebVTT, SRT or podfleet JSON');
  let segments: TranscriptSegment[];
  let chapters: TranscriptChapter[] = [];
  if (format === 'json') {
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (err) {
      const line = lineOf(text, jsonErrorOffset(text));
      throw new TranscriptError(`line ${line}: the transcript is not valid JSON (${(err as Error).message})`);
    }
    const parsed = Array.isArray(data)
      ? jsonSegmentsSchema.transform((list) => ({ segments: list, chapters: [] })).safeParse(data)
      : jsonTranscriptSchema.safeParse(data);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new TranscriptError(`transcript JSON: ${issue?.path.join('.') || '(root)'}: ${issue?.message}`);
    }
    segments = parsed.data.segments.map((s) => ({ ...s, text: s.text.trim() }));
    chapters = [...parsed.data.chapters].sort((a, b) => a.startSec - b.startSec);
  } else {
    checkCueTimings(text, format);
    let entries: SubtitleCue[];
    try {
      // Its declarations import './types' without an extension, which NodeNext cannot follow.
      ({ entries } = parseSubtitles(text) as { entries: SubtitleCue[] });
    } catch (err) {
      throw new TranscriptError(
        `the ${format.toUpperCase()} transcript cannot be read: ${(err as Error).message}`,
      );
    }
    segments = entries.map((e) => cueSegment(e.text, e.from, e.to));
  }
  segments = segments.filter((s) => s.text.length > 0).sort((a, b) => a.start - b.start);
  if (segments.length === 0) throw new TranscriptError('the transcript has no timed text');
  return { format, segments, chapters };
}

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { TranscriptSegment } from './assemble';
import { ffmpegPath, runTool } from './tools';

/** The audiogram's frame: vertical 9:16 at 30 fps, what TikTok, Reels and Shorts play full screen. */
export const AUDIOGRAM = { width: 1080, height: 1920, fps: 30 } as const;
const CLIP_LOUDNESS_LUFS = -16;
const FADE_IN_SEC = 0.25;
const FADE_OUT_SEC = 0.5;
const WORDS_PER_CAPTION = 5;
const TITLE_CHARS_PER_LINE = 24;
const TITLE_MAX_LINES = 3;

const FONT_FILE = require.resolve('@expo-google-fonts/inter/700Bold/Inter_700Bold.ttf');

export interface ClipRenderInput {
  /** The episode's MP3. */
  episodeFile: string;
  startSec: number;
  endSec: number;
  title: string;
  /** The episode's timed transcript; the lines inside the clip become its captions. */
  segments: readonly TranscriptSegment[];
  formats: ReadonlyArray<'mp3' | 'mp4'>;
  /** Where the files go: `${outBase}.mp3` and `${outBase}.mp4`. */
  outBase: string;
  signal?: AbortSignal;
}

export interface Caption {
  start: number;
  end: number;
  text: string;
}

/**
 * Captions of a clip, in clip time: each line inside it cut into chunks of a few words, each
 * chunk timed by its share of the line's characters, so the words on screen follow the voice.
 */
export function clipCaptions(
  segments: readonly TranscriptSegment[],
  startSec: number,
  endSec: number,
): Caption[] {
  const captions: Caption[] = [];
  for (const s of segments) {
    if (!(s.end > startSec && s.start < endSec) || !s.text.trim()) continue;
    const words = s.text.trim().split(/\s+/);
    const chunks: string[] = [];
    for (let i = 0; i < words.length; i += WORDS_PER_CAPTION)
      chunks.push(words.slice(i, i + WORDS_PER_CAPTION).join(' '));
    const totalChars = chunks.reduce((n, c) => n + c.length, 0);
    let t = s.start;
    for (const chunk of chunks) {
      const span = ((s.end - s.start) * chunk.length) / totalChars;
      const start = Math.max(0, t - startSec);
      const end = Math.min(endSec, t + span) - startSec;
      if (end > start) captions.push({ start, end, text: chunk });
      t += span;
    }
  }
  return captions;
}

const assTime = (sec: number) => {
  const cs = Math.round(sec * 100);
  const h = Math.floor(cs / 360_000);
  const m = Math.floor((cs % 360_000) / 6000);
  const s = Math.floor((cs % 6000) / 100);
  return `${h}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}.${String(cs % 100).padStart(2, '0')}`;
};

/** An ASS subtitle file of the captions: large bold white text, outlined, in the lower third. */
export function captionsAss(captions: readonly Caption[]): string {
  const assText = (text: string) => text.replace(/\\/g, '\\\\').replace(/[{}]/g, '').replace(/\n/g, ' ');
  return [
    '[Script Info]',
    'ScriptType: v4.00+',
    `PlayResX: ${AUDIOGRAM.width}`,
    `PlayResY: ${AUDIOGRAM.height}`,
    'WrapStyle: 0',
    '',
    '[V4+ Styles]',
    'Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, MarginV, Encoding',
    'Style: Caption,Inter,76,&H00FFFFFF,&H00FFFFFF,&H00101010,&H80000000,1,0,0,0,100,100,0,0,1,4,0,2,80,80,420,1',
    '',
    '[Events]',
    'Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text',
    ...captions.map(
      (c) => `Dialogue: 0,${assTime(c.start)},${assTime(c.end)},Caption,,0,0,0,,${assText(c.text)}`,
    ),
    '',
  ].join('\n');
}

/** The title broken into at most three short lines for the top of the frame. */
export function titleLines(title: string): string {
  const lines: string[] = [];
  let line = '';
  for (const word of title.trim().split(/\s+/)) {
    if (line && `${line} ${word}`.length > TITLE_CHARS_PER_LINE) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  if (lines.length > TITLE_MAX_LINES) {
    lines.length = TITLE_MAX_LINES;
    lines[TITLE_MAX_LINES - 1] = `${lines[TITLE_MAX_LINES - 1]}…`;
  }
  return lines.join('\n');
}

/**
 * Renders a clip of an episode with ffmpeg (a child process, off the event loop): an MP3 with
 * short fades, loudness-normalised to −16 LUFS, and/or a vertical MP4 audiogram (H.264 + AAC,
 * 1080×1920): the title at the top, the waveform of the clip's audio moving in the middle, and the
 * transcript's words burned in as captions, in sync. Returns the files written.
 */
export async function renderClip(input: ClipRenderInput): Promise<{ mp3?: string; mp4?: string }> {
  const duration = input.endSec - input.startSec;
  if (!(duration > 0)) throw new Error(`clip ${input.startSec}–${input.endSec} s has no length`);
  const work = await mkdtemp(join(tmpdir(), 'podfleet-clip-'));
  try {
    const mp3 = `${input.outBase}.mp3`;
    const audioFile = input.formats.includes('mp3') ? mp3 : join(work, 'clip.mp3');
    const fades = `afade=t=in:d=${FADE_IN_SEC},afade=t=out:st=${Math.max(0, duration - FADE_OUT_SEC).toFixed(3)}:d=${FADE_OUT_SEC}`;
    await runTool(
      ffmpegPath(),
      [
        ...['-hide_banner', '-loglevel', 'error', '-y'],
        ...['-ss', input.startSec.toFixed(3), '-t', duration.toFixed(3), '-i', input.episodeFile],
        ...['-af', `${fades},loudnorm=I=${CLIP_LOUDNESS_LUFS}:TP=-1.5:LRA=11,aresample=44100`],
        ...['-ac', '1', '-c:a', 'libmp3lame', '-b:a', '128k', audioFile],
      ],
      { signal: input.signal },
    );
    if (!input.formats.includes('mp4')) return { mp3 };

    const titleFile = join(work, 'title.txt');
    const captionsFile = join(work, 'captions.ass');
    await writeFile(titleFile, titleLines(input.title));
    await writeFile(captionsFile, captionsAss(clipCaptions(input.segments, input.startSec, input.endSec)));
    const { width, height, fps } = AUDIOGRAM;
    const graph = [
      `color=c=0x14213d:s=${width}x${height}:r=${fps}:d=${duration.toFixed(3)}[bg]`,
      `[0:a]showwaves=s=${width}x360:mode=cline:rate=${fps}:colors=0xfca311,format=rgba[wave]`,
      '[bg][wave]overlay=0:780:format=auto[framed]',
      `[framed]drawtext=fontfile=${FONT_FILE}:textfile=${titleFile}:fontsize=72:fontcolor=white:line_spacing=18:x=(w-text_w)/2:y=260[titled]`,
      `[titled]subtitles=${captionsFile}:fontsdir=${dirname(FONT_FILE)}[v]`,
    ].join(';');
    const mp4 = `${input.outBase}.mp4`;
    await runTool(
      ffmpegPath(),
      [
        ...['-hide_banner', '-loglevel', 'error', '-y', '-i', audioFile],
        ...['-filter_complex', graph, '-map', '[v]', '-map', '0:a'],
        ...['-c:v', 'libx264', '-preset', 'superfast', '-crf', '26', '-pix_fmt', 'yuv420p'],
        ...['-r', String(fps)],
        ...['-c:a', 'aac', '-b:a', '128k', '-t', duration.toFixed(3), '-movflags', '+faststart', mp4],
      ],
      { signal: input.signal },
    );
    return input.formats.includes('mp3') ? { mp3, mp4 } : { mp4 };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AUDIOGRAM, clipCaptions, renderClip, titleLines } from './clip-render';
import { probeMedia as probe } from './testing';
import { ffmpegPath, runTool } from './tools';

const LINES = [
  'Welcome back to the show about rivers.',
  'Why do rivers bend so much on flat land?',
  'Because water erodes the outer bank faster than the inner one.',
  'So a small bend keeps growing over the years.',
  'Until the river cuts through and leaves a lake behind.',
  'That lake has a name: an oxbow.',
];
const segments = LINES.map((text, i) => ({
  speaker: i % 2 ? 'Ben' : 'Ava',
  text,
  start: i * 5,
  end: i * 5 + 4.8,
}));

/** Share of bright pixels (text is white) in a horizontal band of the frame at `atSec`. */
async function brightShare(file: string, atSec: number, band: { y: number; h: number }): Promise<number> {
  const { stdout } = await runTool(ffmpegPath(), [
    ...['-hide_banner', '-loglevel', 'error', '-ss', String(atSec), '-i', file, '-frames:v', '1'],
    ...['-vf', `crop=${AUDIOGRAM.width}:${band.h}:0:${band.y}`, '-f', 'rawvideo', '-pix_fmt', 'gray', '-'],
  ]);
  let bright = 0;
  for (const px of stdout) if (px > 200) bright++;
  return bright / stdout.length;
}

describe('clip rendering (real ffmpeg)', () => {
  let dir: string;
  let episodeFile: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'clip-render-test-'));
    episodeFile = join(dir, 'episode.mp3');
    // 30 s of a tone whose loudness swells, as an episode stand-in.
    await runTool(ffmpegPath(), [
      ...['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'sine=frequency=220:duration=30'],
      ...['-af', "volume='0.2+0.6*abs(sin(t))':eval=frame", '-c:a', 'libmp3lame', '-b:a', '96k', episodeFile],
    ]);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  test('an MP3 and a vertical H.264 + AAC audiogram, each lasting the clip within 0.1 s, title and captions drawn', async () => {
    const out = await renderClip({
      episodeFile,
      startSec: 5,
      endSec: 19.8,
      title: 'Why rivers bend, and what they leave behind',
      segments,
      formats: ['mp3', 'mp4'],
      outBase: join(dir, 'clip'),
    });
    const mp3 = await probe(out.mp3!);
    expect(mp3.audio).toBe('mp3');
    expect(mp3.video).toBeUndefined();
    expect(Math.abs(mp3.durationSec - 14.8)).toBeLessThanOrEqual(0.1);

    const mp4 = await probe(out.mp4!);
    expect(mp4.video).toEqual({ codec: 'h264', width: 1080, height: 1920 });
    expect(mp4.audio).toBe('aac');
    expect(Math.abs(mp4.durationSec - 14.8)).toBeLessThanOrEqual(0.1);

    // The title at the top and a caption in the lower third are white text on a dark frame.
    expect(await brightShare(out.mp4!, 2, { y: 240, h: 300 })).toBeGreaterThan(0.01);
    expect(await brightShare(out.mp4!, 2, { y: 1300, h: 200 })).toBeGreaterThan(0.005);
    // Between the title and the waveform the frame is empty background.
    expect(await brightShare(out.mp4!, 2, { y: 620, h: 120 })).toBe(0);
  }, 120_000);

  test('MP3 only when asked', async () => {
    const out = await renderClip({
      episodeFile,
      startSec: 0,
      endSec: 12.5,
      title: 't',
      segments,
      formats: ['mp3'],
      outBase: join(dir, 'only'),
    });
    expect(out.mp4).toBeUndefined();
    expect(Math.abs((await probe(out.mp3!)).durationSec - 12.5)).toBeLessThanOrEqual(0.1);
  });
});

describe('captions', () => {
  test('follow the voice: chunks of a few words in order, inside the clip, timed by their share of the line', () => {
    const captions = clipCaptions(segments, 5, 19.8);
    expect(captions[0]).toMatchObject({ start: 0, text: 'Why do rivers bend so' });
    for (let i = 1; i < captions.length; i++)
      expect(captions[i]!.start).toBeGreaterThanOrEqual(captions[i - 1]!.end - 1e-9);
    for (const c of captions) {
      expect(c.start).toBeGreaterThanOrEqual(0);
      expect(c.end).toBeLessThanOrEqual(14.8 + 1e-9);
      expect(c.text.split(' ').length).toBeLessThanOrEqual(5);
    }
    // The line starting at 10 s (clip time 5 s) begins its first caption there.
    expect(captions.find((c) => c.text.startsWith('Because'))?.start).toBeCloseTo(5, 6);
    expect(captions.map((c) => c.text).join(' ')).toBe(LINES.slice(1, 4).join(' '));
  });

  test('long titles wrap to at most three lines', () => {
    const lines = titleLines(
      'A very long title that goes on and on about rivers and lakes and the sea beyond',
    ).split('\n');
    expect(lines.length).toBe(3);
    expect(lines[2]!.endsWith('…')).toBe(true);
  });
});

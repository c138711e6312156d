import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ScriptLine } from '@podfleet/providers';
import { makeTempDir } from '@podfleet/test-kit';
import { createClipCache, createEspeakEngine, mp3DurationSec } from '@podfleet/tts';
import NodeID3 from 'node-id3';
import { type AssembledEpisode, assembleEpisode } from './assemble';
import { measureLoudness } from './loudness';
import { decodeToPcm } from './pcm';
import { probeAudio, probeDurationSec } from './probe';
import { ffmpegPath, runTool } from './tools';
import { type VoicedClip, voiceScript } from './voice-script';

const hosts = [{ name: 'Maya' }, { name: 'Theo' }];
const lines: ScriptLine[] = [
  { speaker: 'Maya', text: 'Welcome back to the show, where we read the bills for you.', chapter: 0 },
  { speaker: 'Theo', text: 'Today we look at a plan to expand rural broadband.', chapter: 0 },
  { speaker: 'Maya', text: 'It sets aside four billion dollars for fiber.', chapter: 1 },
  { speaker: 'Theo', text: 'Critics worry large providers will take most of it.', chapter: 1 },
  { speaker: 'Maya', text: 'Thanks for listening, see you next time.', chapter: 2 },
];
const chapters = [
  { title: 'The bill', firstLineIndex: 0 },
  { title: 'The money', firstLineIndex: 2 },
  { title: 'Goodbye', firstLineIndex: 4 },
];
const PAUSE = 0.35;

/** Decodes an audio file to mono 16-bit PCM at 44.1 kHz, as a player would. */
const decode = async (file: string) => (await decodeToPcm(file, 44100)).pcm;

function rms(pcm: Buffer, fromSec: number, toSec: number): number {
  const from = Math.round(fromSec * 44100);
  const to = Math.round(toSec * 44100);
  let sum = 0;
  for (let i = from; i < to; i++) sum += pcm.readInt16LE(i * 2) ** 2;
  return Math.sqrt(sum / Math.max(1, to - from));
}

describe('assembleEpisode', () => {
  let tmp: { dir: string; remove(): Promise<void> };
  let clips: VoicedClip[];
  let episode: AssembledEpisode;

  beforeAll(async () => {
    tmp = await makeTempDir();
    const engine = createEspeakEngine({ backend: 'wasm', threads: 2 });
    try {
      clips = await voiceScript({ engine, lines, hosts, cache: createClipCache(join(tmp.dir, 'clips')) });
    } finally {
      await engine.close();
    }
    episode = await assembleEpisode({
      clips,
      chapters,
      pauseSec: PAUSE,
      outFile: join(tmp.dir, 'episode.mp3'),
      title: 'Broadband, explained',
    });
  });
  afterAll(() => tmp.remove());

  it('lasts the clips plus the pauses between turns', async () => {
    const expected = clips.reduce((sum, c) => sum + c.durationSec, 0) + PAUSE * (clips.length - 1);
    expect(Math.abs(episode.durationSec - expected) / expected).toBeLessThan(0.01);
    // Decoders drop the encoder delay/padding (LAME header): the decoded audio matches to the millisecond.
    const decoded = (await decode(episode.outFile)).length / 2 / 44100;
    expect(Math.abs(decoded - episode.durationSec)).toBeLessThan(0.002);
    expect(Math.abs((await probeDurationSec(episode.outFile)) - expected) / expected).toBeLessThan(0.01);
  });

  it('is normalised to -16 LUFS with true peaks at or below -1 dBTP', async () => {
    // Measured independently of assembly's own (in-process) meter: ffmpeg ebur128 on the MP3.
    const measured = await measureLoudness(episode.outFile);
    expect(Math.abs(measured.integratedLufs - -16)).toBeLessThanOrEqual(1);
    expect(measured.truePeakDb).toBeLessThanOrEqual(-1);
    // What assembly reports is the encoder's input: the MP3 lands within a few tenths of it.
    expect(episode.loudness.measuredOn).toBe('pcm');
    expect(Math.abs(episode.loudness.integratedLufs - 0.5 - measured.integratedLufs)).toBeLessThan(0.4);
    expect(Math.abs(episode.loudness.truePeakDb - measured.truePeakDb)).toBeLessThan(0.5);
  });

  it('with measureOutput, reports the MP3 as ffmpeg measures it', async () => {
    const outFile = join(tmp.dir, 'checked.mp3');
    const checked = await assembleEpisode({ clips, outFile, title: 'Checked', measureOutput: true });
    const measured = await measureLoudness(outFile);
    expect(checked.loudness).toEqual({
      integratedLufs: measured.integratedLufs,
      truePeakDb: measured.truePeakDb,
      measuredOn: 'mp3',
    });
    expect(Math.abs(measured.integratedLufs - -16)).toBeLessThanOrEqual(1);
    expect(measured.truePeakDb).toBeLessThanOrEqual(-1);
  });

  it('is a 44.1 kHz mono MP3', async () => {
    expect(await probeAudio(episode.outFile)).toMatchObject({ codec: 'mp3', sampleRate: 44100, channels: 1 });
    expect(episode.sizeBytes).toBe((await readFile(episode.outFile)).length);
  });

  it('times the transcript from the clips: contiguous turns separated by the pause, matching the audio', async () => {
    const { segments } = episode;
    expect(segments.map((s) => [s.speaker, s.text])).toEqual(lines.map((l) => [l.speaker, l.text]));
    expect(segments[0]!.start).toBe(0);
    segments.forEach((segment, i) => {
      expect(segment.end - segment.start).toBeCloseTo(clips[i]!.durationSec, 2);
      if (i > 0) expect(segment.start - segments[i - 1]!.end).toBeCloseTo(PAUSE, 2);
    });
    expect(segments.at(-1)!.end).toBeCloseTo(episode.durationSec, 3);

    // The audio agrees: speech inside each segment, near-silence inside each pause.
    const pcm = await decode(episode.outFile);
    for (const [i, s] of segments.entries()) {
      const mid = (s.start + s.end) / 2;
      expect(rms(pcm, mid - 0.25, mid + 0.25)).toBeGreaterThan(1000);
      if (i > 0) expect(rms(pcm, segments[i - 1]!.end + 0.1, s.start - 0.1)).toBeLessThan(100);
    }
  });

  it('starts chapters at their first line and writes title, artist and chapters as ID3', async () => {
    expect(episode.chapters).toEqual(
      chapters.map((c) => ({ title: c.title, startSec: episode.segments[c.firstLineIndex]!.start })),
    );
    const tags = NodeID3.read(episode.outFile);
    expect(tags.title).toBe('Broadband, explained');
    expect(tags.artist).toBe('podfleet');
    expect(tags.chapter?.map((c) => [c.tags?.title, c.startTimeMs])).toEqual(
      episode.chapters.map((c) => [c.title, Math.round(c.startSec * 1000)]),
    );
    expect(tags.chapter?.at(-1)?.endTimeMs).toBe(Math.round(episode.durationSec * 1000));
    expect(tags.tableOfContents?.[0]?.elements).toEqual(['chp0', 'chp1', 'chp2']);
  });

  it('assembles MP3 clips (as ElevenLabs returns them) with the same exact timing', async () => {
    const mp3Clips = await Promise.all(
      clips.slice(0, 3).map(async (clip, i) => {
        const file = join(tmp.dir, `clip-${i}.mp3`);
        await runTool(ffmpegPath(), [
          '-v',
          'error',
          '-i',
          clip.file,
          '-ar',
          '44100',
          '-c:a',
          'libmp3lame',
          '-b:a',
          '128k',
          '-y',
          file,
        ]);
        return { speaker: clip.speaker, text: clip.text, file };
      }),
    );
    const decodedSec = await Promise.all(
      mp3Clips.map(async (c) => (await decode(c.file)).length / 2 / 44100),
    );
    // The frame-count estimate providers report for MP3 agrees with decoding to within a frame.
    for (const [i, c] of mp3Clips.entries()) {
      expect(Math.abs(mp3DurationSec(await readFile(c.file)) - decodedSec[i]!)).toBeLessThan(1152 / 44100);
    }
    const result = await assembleEpisode({
      clips: mp3Clips,
      chapters: [{ title: 'Only', firstLineIndex: 0 }],
      outFile: join(tmp.dir, 'from-mp3.mp3'),
      title: 'From MP3 clips',
    });
    expect(result.loudness.measuredOn).toBe('pcm');
    expect(result.durationSec).toBeCloseTo(decodedSec.reduce((a, b) => a + b, 0) + 0.35 * 2, 3);
    expect(result.segments[1]!.start).toBeCloseTo(decodedSec[0]! + 0.35, 3);
  });

  it('stops and leaves no file when aborted', async () => {
    const controller = new AbortController();
    const outFile = join(tmp.dir, 'aborted.mp3');
    const pending = assembleEpisode({ clips, outFile, title: 'Aborted', signal: controller.signal });
    controller.abort(new Error('job cancelled'));
    await expect(pending).rejects.toThrow('job cancelled');
    await expect(access(outFile)).rejects.toThrow();
  });

  it('rejects a chapter that points past the last line', async () => {
    await expect(
      assembleEpisode({
        clips,
        chapters: [{ title: 'Nope', firstLineIndex: 9 }],
        outFile: join(tmp.dir, 'x.mp3'),
        title: 'X',
      }),
    ).rejects.toThrow('starts at line 9');
  });
});

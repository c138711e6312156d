import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTempDir } from '@podfleet/test-kit';
import NodeID3 from 'node-id3';
import { measureLoudness, normalizeUploadedAudio, probeAudio, UndecodableAudioError } from './index';
import { ffmpegPath } from './tools';

describe('normalizeUploadedAudio', () => {
  let tmp: { dir: string; remove(): Promise<void> };
  /** Four seconds of a quiet, stereo, 48 kHz warble (a syllable rate of 3 Hz), encoded by `args`. */
  const make = (file: string, args: string[]) => {
    const out = join(tmp.dir, file);
    const run = spawnSync(ffmpegPath(), [
      ...[
        '-hide_banner',
        '-v',
        'error',
        '-y',
        '-f',
        'lavfi',
        '-i',
        'sine=frequency=220:sample_rate=48000:duration=4',
      ],
      ...['-af', 'volume=-24dB,aeval=val(0)*(0.6+0.4*sin(2*PI*3*t))', '-ac', '2'],
      ...args,
      out,
    ]);
    if (run.status !== 0) throw new Error(run.stderr.toString());
    return out;
  };

  beforeAll(async () => {
    tmp = await makeTempDir('pf-upload-audio-');
  });
  afterAll(() => tmp.remove());

  test('a quiet stereo M4A becomes a tagged mono 44.1 kHz MP3 at −16 LUFS', async () => {
    const inFile = make('quiet.m4a', ['-c:a', 'aac']);
    const before = await measureLoudness(inFile);
    const outFile = join(tmp.dir, 'quiet.mp3');
    const result = await normalizeUploadedAudio({
      inFile,
      outFile,
      title: 'A quiet upload',
      chapters: [
        { title: 'Start', startSec: 0 },
        { title: 'Second half', startSec: 2 },
        { title: 'Past the end', startSec: 60 },
      ],
    });
    expect(before.integratedLufs).toBeLessThan(-25);
    expect(result.input).toMatchObject({ codec: 'aac', sampleRate: 48000, channels: 2 });
    expect(result.durationSec).toBeGreaterThan(3.9);
    expect(result.durationSec).toBeLessThan(4.1);
    const probe = await probeAudio(outFile);
    expect(probe).toMatchObject({ codec: 'mp3', sampleRate: 44100, channels: 1 });
    const after = await measureLoudness(outFile);
    expect(Math.abs(after.integratedLufs - -16)).toBeLessThanOrEqual(0.75);
    expect(after.truePeakDb).toBeLessThanOrEqual(-1);
    expect(result.loudness.integratedLufs).toBeCloseTo(after.integratedLufs, 1);
    const tags = NodeID3.read(readFileSync(outFile));
    expect(tags.title).toBe('A quiet upload');
    expect(tags.chapter?.map((c) => [c.tags?.title, c.startTimeMs])).toEqual([
      ['Start', 0],
      ['Second half', 2000],
    ]);
    expect(result.chapters).toHaveLength(2);
  });

  test('a valid MP3 header over garbage is undecodable, and says how much decoded', async () => {
    const good = readFileSync(make('tone.mp3', ['-c:a', 'libmp3lame', '-b:a', '64k']));
    const garbled = join(tmp.dir, 'garbled.mp3');
    writeFileSync(garbled, Buffer.concat([good.subarray(0, 600), randomBytes(30_000)]));
    const err = await normalizeUploadedAudio({
      inFile: garbled,
      outFile: join(tmp.dir, 'garbled-out.mp3'),
      title: 'x',
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UndecodableAudioError);
    expect(err).toMatchObject({ code: 'AUDIO_UNDECODABLE', retryable: false });
    // ffmpeg either gives up (its complaints quoted) or decodes a few milliseconds (said as such).
    expect((err as Error).message).toMatch(
      /^(the audio cannot be decoded: .*Invalid data found|only 0\.\d\d s of the \d+\.\d\d s of audio the file declares could be decoded)/,
    );
  });

  test('a file ffmpeg cannot open at all is undecodable', async () => {
    const junk = join(tmp.dir, 'junk.wav');
    writeFileSync(junk, Buffer.concat([Buffer.from('RIFF\x00\x00\x00\x00WAVE'), randomBytes(2000)]));
    await expect(
      normalizeUploadedAudio({ inFile: junk, outFile: join(tmp.dir, 'junk.mp3'), title: 'x' }),
    ).rejects.toBeInstanceOf(UndecodableAudioError);
  });
});

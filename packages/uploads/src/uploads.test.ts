import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ffmpeg from '@ffmpeg-installer/ffmpeg';
import { parseTranscript, sniffAudio, TranscriptError } from './index';

describe('audio is recognised by its bytes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'uploads-sniff-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  /** One second of tone encoded by real ffmpeg into `file`. */
  const encode = (file: string, codecArgs: string[]) => {
    const out = join(dir, file);
    const run = spawnSync(ffmpeg.path, [
      ...['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'sine=duration=1'],
      ...codecArgs,
      out,
    ]);
    if (run.status !== 0) throw new Error(run.stderr.toString());
    return readFileSync(out);
  };

  test.each([
    ['tone.mp3', ['-c:a', 'libmp3lame'], 'mp3'],
    ['tone.m4a', ['-c:a', 'aac'], 'm4a'],
    ['tone.aac', ['-c:a', 'aac', '-f', 'adts'], 'aac'],
    ['tone.wav', [], 'wav'],
    ['tone.flac', [], 'flac'],
    ['tone.ogg', ['-c:a', 'libvorbis'], 'ogg'],
  ] as const)('%s', async (file, args, format) => {
    const result = await sniffAudio(encode(file, [...args]));
    expect(result).toMatchObject({ ok: true, audio: { format } });
  });

  test('a name says nothing: an MP3 called .wav is an MP3, a PNG called .mp3 is refused', async () => {
    expect(await sniffAudio(encode('really-mp3.wav', ['-c:a', 'libmp3lame', '-f', 'mp3']))).toMatchObject({
      ok: true,
      audio: { format: 'mp3' },
    });
    const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
    expect(await sniffAudio(png)).toEqual({
      ok: false,
      reason: 'the file is image/png (.png); accepted: MP3, M4A/AAC, WAV, FLAC, Ogg',
    });
    expect(await sniffAudio(Buffer.from('just some text, not audio at all'))).toEqual({
      ok: false,
      reason: 'the file is not audio of a known format',
    });
  });
});

describe('transcripts', () => {
  test('WebVTT with voices, tags and an empty cue', () => {
    const { format, segments } = parseTranscript(
      'WEBVTT\n\n00:00:00.000 --> 00:00:04.200\n<v Ava>Welcome to <b>the</b> show.\n\n' +
        '00:00:04.500 --> 00:00:09.000\n<v Ben>Glad to be here,\nreally.\n\n00:00:09.000 --> 00:00:10.000\n\n',
    );
    expect(format).toBe('vtt');
    expect(segments).toEqual([
      { speaker: 'Ava', text: 'Welcome to the show.', start: 0, end: 4.2 },
      { speaker: 'Ben', text: 'Glad to be here, really.', start: 4.5, end: 9 },
    ]);
  });

  test('SRT (CRLF, a byte-order mark, "Name:" speakers)', () => {
    const srt =
      '\uFEFF1\r\n00:00:01,000 --> 00:00:03,500\r\nAva: First line.\r\n\r\n2\r\n00:00:04,000 --> 00:00:06,000\r\nSecond line.\r\n';
    expect(parseTranscript(srt)).toEqual({
      format: 'srt',
      segments: [
        { speaker: 'Ava', text: 'First line.', start: 1, end: 3.5 },
        { speaker: '', text: 'Second line.', start: 4, end: 6 },
      ],
      chapters: [],
    });
  });

  test("podfleet JSON: the episode's transcript.json (chapters kept, in order) or a bare array", () => {
    const segments = [{ speaker: 'Ava', text: 'Hi.', start: 0, end: 1.5 }];
    const chapters = [
      { title: 'Later', startSec: 60 },
      { title: 'Intro', startSec: 0 },
    ];
    expect(parseTranscript(JSON.stringify({ segments, chapters }))).toEqual({
      format: 'json',
      segments,
      chapters: [chapters[1], chapters[0]],
    });
    expect(parseTranscript(JSON.stringify(segments))).toEqual({ format: 'json', segments, chapters: [] });
  });

  test.each([
    ['not a transcript at all', /not WebVTT, SRT or podfleet JSON/],
    ['{"segments": [{"text": "x", "start": 2, "end": 1}]}', /segments\.0\.end: end must be after start/],
    ['{"segments": [', /not valid JSON/],
    ['WEBVTT\n\n', /no timed text/],
    [
      'WEBVTT\n\n00:00:00.000 --> 00:00:02.000\nfine\n\n00:00:03.000 --> 00:0x:04.000\nbad\n',
      /^line 6: .* is not a cue timing/,
    ],
    [
      'WEBVTT\n\n00:00:05.000 --> 00:00:04.000\nbackwards\n',
      /^line 3: the cue ends \(00:00:04.000\) before it starts/,
    ],
    [
      '1\n00:00:01,000 --> 00:00:02,000\nA\n\n2\n00:00:03,000 -> 00:00:04,000\nB\n',
      /^line 6: "00:00:03,000 -> 00:00:04,000" is not a cue timing/,
    ],
    [
      '{\n  "segments": [\n    {"text": "x", "start": 0, "end": 1},,\n  ]\n}',
      /^line 3: the transcript is not valid JSON/,
    ],
  ])('%s is a clear error', (text, message) => {
    expect(() => parseTranscript(text)).toThrow(TranscriptError);
    expect(() => parseTranscript(text)).toThrow(message);
  });
});

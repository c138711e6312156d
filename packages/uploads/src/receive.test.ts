import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import ffmpeg from '@ffmpeg-installer/ffmpeg';
import { FsStorageDriver } from '@podfleet/providers';
import { receiveUpload, stagedTranscriptSchema, UploadError } from './index';

const BOUNDARY = '----podfleet-test-boundary';
const HEADERS = { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` };

type Part = { name: string; value: string } | { name: string; filename: string; body: Buffer };

function form(parts: Part[]): Buffer {
  const chunks: Buffer[] = [];
  for (const part of parts) {
    const disposition =
      'filename' in part
        ? `form-data; name="${part.name}"; filename="${part.filename}"\r\nContent-Type: application/octet-stream`
        : `form-data; name="${part.name}"`;
    chunks.push(Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: ${disposition}\r\n\r\n`));
    chunks.push('filename' in part ? part.body : Buffer.from(part.value));
    chunks.push(Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${BOUNDARY}--\r\n`));
  return Buffer.concat(chunks);
}

/** The body in 16 KB chunks, as a socket delivers it. */
const chunked = (body: Buffer) =>
  Readable.from(
    (function* () {
      for (let i = 0; i < body.length; i += 16_384) yield body.subarray(i, i + 16_384);
    })(),
  );

describe('receiveUpload', () => {
  const dir = mkdtempSync(join(tmpdir(), 'uploads-receive-'));
  const storageDir = join(dir, 'storage');
  const storage = new FsStorageDriver({ dir: storageDir });
  const encode = (file: string, args: string[]) => {
    const out = join(dir, file);
    const run = spawnSync(ffmpeg.path, [
      ...['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'sine=duration=2'],
      ...args,
      out,
    ]);
    if (run.status !== 0) throw new Error(run.stderr.toString());
    return readFileSync(out);
  };
  const mp3 = encode('tone.mp3', ['-c:a', 'libmp3lame']);
  const wav = encode('tone.wav', []);
  const vtt =
    'WEBVTT\n\n00:00:00.000 --> 00:00:01.000\n<v Ava>Hello.\n\n00:00:01.000 --> 00:00:02.000\nBye.\n';
  const options = (prefix: string, maxAudioBytes = 10_000_000) => ({
    storage,
    keyPrefix: `uploads/${prefix}/`,
    maxAudioBytes,
    maxTranscriptBytes: 100_000,
  });
  /** Everything in storage, and the driver's temporary files (a partial write would sit there). */
  const leftovers = async () => {
    const tmp = join(storageDir, '.tmp');
    let temporary: string[] = [];
    try {
      temporary = readdirSync(tmp);
    } catch {}
    return [...(await storage.list('')), ...temporary];
  };

  afterAll(async () => {
    await storage.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('MP3 and VTT are stored; the transcript as parsed segments', async () => {
    const received = await receiveUpload(
      chunked(
        form([
          { name: 'audio', filename: 'show.mp3', body: mp3 },
          { name: 'transcript', filename: 'show.vtt', body: Buffer.from(vtt) },
          { name: 'title', value: '  Our show  ' },
        ]),
      ),
      HEADERS,
      options('a'),
    );
    expect(received).toMatchObject({
      title: 'Our show',
      audio: { format: 'mp3', key: 'uploads/a/audio.mp3', sizeBytes: mp3.length, filename: 'show.mp3' },
      transcript: { key: 'uploads/a/transcript.json', format: 'vtt', segments: 2, chapters: 0 },
    });
    expect((await storage.getBuffer('uploads/a/audio.mp3')).equals(mp3)).toBe(true);
    const staged = stagedTranscriptSchema.parse(
      JSON.parse((await storage.getBuffer('uploads/a/transcript.json')).toString()),
    );
    expect(staged.segments[0]).toEqual({ speaker: 'Ava', text: 'Hello.', start: 0, end: 1 });
    await storage.deletePrefix('uploads/a/');
  });

  test('the bytes decide: a WAV named .mp3 is a WAV', async () => {
    const received = await receiveUpload(
      chunked(
        form([
          { name: 'title', value: 'Wav' },
          { name: 'audio', filename: 'disguised.mp3', body: wav },
        ]),
      ),
      HEADERS,
      options('b'),
    );
    expect(received.audio).toMatchObject({ format: 'wav', key: 'uploads/b/audio.wav', mime: 'audio/wav' });
    expect(received.transcript).toBeNull();
    await storage.deletePrefix('uploads/b/');
  });

  const refused = async (body: Readable, prefix: string, maxAudioBytes?: number) => {
    const err = await receiveUpload(body, HEADERS, options(prefix, maxAudioBytes)).catch((e: unknown) => e);
    expect(await leftovers()).toEqual([]);
    return err;
  };

  test('text named .mp3: unsupported type, nothing stored', async () => {
    const err = await refused(
      chunked(
        form([
          { name: 'title', value: 'x' },
          { name: 'audio', filename: 'notes.mp3', body: Buffer.from('just some notes, not audio at all\n') },
        ]),
      ),
      'c',
    );
    expect(err).toBeInstanceOf(UploadError);
    expect(err).toMatchObject({ kind: 'unsupported-type', field: 'audio' });
  });

  test('audio over the limit: too large, the partial object removed', async () => {
    const err = await refused(
      chunked(
        form([
          { name: 'title', value: 'x' },
          { name: 'audio', filename: 'big.wav', body: wav },
        ]),
      ),
      'd',
      20_000,
    );
    expect(err).toMatchObject({
      kind: 'too-large',
      message: expect.stringMatching(/larger than 20000 bytes/),
    });
  });

  test('a bad transcript names its line, and the audio already stored is removed', async () => {
    const err = await refused(
      chunked(
        form([
          { name: 'audio', filename: 'show.mp3', body: mp3 },
          {
            name: 'transcript',
            filename: 'bad.vtt',
            body: Buffer.from(
              'WEBVTT\n\n00:00:00.000 --> 00:00:01.000\nok\n\n00:00:02.000 -> 00:00:03.000\nbad\n',
            ),
          },
          { name: 'title', value: 'x' },
        ]),
      ),
      'e',
    );
    expect(err).toMatchObject({ kind: 'invalid-transcript', field: 'transcript' });
    expect((err as Error).message).toBe(
      'line 6: "00:00:02.000 -> 00:00:03.000" is not a cue timing (hh:mm:ss.mmm --> hh:mm:ss.mmm)',
    );
  });

  test('a body that fails mid-stream (client gone) leaves nothing', async () => {
    const body = form([
      { name: 'title', value: 'x' },
      { name: 'audio', filename: 'show.wav', body: wav },
    ]);
    const failing = Readable.from(
      (async function* () {
        yield body.subarray(0, 40_000);
        await new Promise((r) => setImmediate(r));
        throw new Error('socket hang up');
      })(),
    );
    const err = await refused(failing, 'f');
    expect(err).toBeInstanceOf(Error);
    expect(err).not.toBeInstanceOf(UploadError);
  });

  test('two audio files: refused, neither kept', async () => {
    const err = await refused(
      chunked(
        form([
          { name: 'title', value: 'x' },
          { name: 'audio', filename: 'one.mp3', body: mp3 },
          { name: 'audio', filename: 'two.wav', body: wav },
        ]),
      ),
      'k',
    );
    expect(err).toMatchObject({ kind: 'invalid', field: 'audio', message: 'send one "audio" file' });
  });

  test('a form cut short, missing audio, missing title, not multipart', async () => {
    const whole = form([
      { name: 'title', value: 'x' },
      { name: 'audio', filename: 'show.mp3', body: mp3 },
    ]);
    expect(await refused(chunked(whole.subarray(0, whole.length - 200)), 'g')).toMatchObject({
      kind: 'malformed',
    });
    expect(await refused(chunked(form([{ name: 'title', value: 'x' }])), 'h')).toMatchObject({
      kind: 'invalid',
      field: 'audio',
    });
    expect(
      await refused(chunked(form([{ name: 'audio', filename: 'a.mp3', body: mp3 }])), 'i'),
    ).toMatchObject({ kind: 'invalid', field: 'title' });
    await expect(
      receiveUpload(chunked(Buffer.from('{}')), { 'content-type': 'application/json' }, options('j')),
    ).rejects.toMatchObject({ kind: 'malformed' });
  });
});

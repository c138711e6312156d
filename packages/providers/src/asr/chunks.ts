import { spawn } from 'node:child_process';
import { ProviderError } from '../types';

/** One request's share of the file, in seconds from its start. */
export interface AudioChunk {
  index: number;
  start: number;
  end: number;
}

/** A last chunk at most this much longer than the others saves a request for a sliver of audio. */
const STRETCH_SEC = 1;

/**
 * Cuts [0, duration] into chunks of `chunkSec` that start `chunkSec - overlapSec` apart, so
 * neighbours share `overlapSec`; the last one ends with the file.
 */
export function planChunks(durationSec: number, chunkSec: number, overlapSec: number): AudioChunk[] {
  if (!(overlapSec >= 0 && overlapSec * 2 <= chunkSec)) {
    throw new RangeError(`overlap ${overlapSec} s must be at most half of a chunk (${chunkSec} s)`);
  }
  const chunks: AudioChunk[] = [];
  for (let start = 0; ; start += chunkSec - overlapSec) {
    const last = start + chunkSec + STRETCH_SEC >= durationSec;
    chunks.push({ index: chunks.length, start, end: last ? durationSec : start + chunkSec });
    if (last) return chunks;
  }
}

/** ffmpeg run to completion as a child process (decoding never runs on the event loop). */
function runFfmpeg(
  ffmpeg: string,
  args: string[],
  signal?: AbortSignal,
): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    signal?.throwIfAborted();
    const child = spawn(ffmpeg, ['-hide_banner', '-nostdin', ...args], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const stderr: Buffer[] = [];
    const onAbort = () => child.kill('SIGKILL');
    signal?.addEventListener('abort', onAbort, { once: true });
    child.stderr.on('data', (c: Buffer) => stderr.push(c));
    child.on('error', (err) => {
      signal?.removeEventListener('abort', onAbort);
      reject(err);
    });
    child.on('close', (code) => {
      signal?.removeEventListener('abort', onAbort);
      if (signal?.aborted) reject(signal.reason);
      else resolve({ code, stderr: Buffer.concat(stderr).toString('utf8') });
    });
  });
}

const lastLines = (stderr: string) => stderr.trim().split('\n').slice(-2).join(' | ');

const seconds = (h: string, m: string, s: string) => Number(h) * 3600 + Number(m) * 60 + Number(s);

/**
 * Seconds of audio in the file: the container's duration, or (when the header has none, as in a
 * raw stream) the time of the last decoded sample. Not audio at all: ASR_FAILED, not retried.
 */
export async function audioDurationSec(ffmpeg: string, path: string, signal?: AbortSignal): Promise<number> {
  // Without an output ffmpeg prints what it found and exits 1.
  const { stderr } = await runFfmpeg(ffmpeg, ['-i', path], signal);
  if (!/Stream #\d+:\d+.*: Audio:/.test(stderr)) {
    throw new ProviderError(
      'ASR_FAILED',
      `transcription: no audio stream in the file (${lastLines(stderr)})`,
      false,
    );
  }
  const header = /Duration: (\d+):(\d{2}):(\d{2}(?:\.\d+)?)/.exec(stderr);
  if (header) return seconds(header[1]!, header[2]!, header[3]!);
  const decoded = await runFfmpeg(ffmpeg, ['-i', path, '-map', '0:a:0', '-f', 'null', '-'], signal);
  const times = [...decoded.stderr.matchAll(/time=(\d+):(\d{2}):(\d{2}(?:\.\d+)?)/g)];
  const last = times.at(-1);
  if (decoded.code !== 0 || !last) {
    throw new ProviderError(
      'ASR_FAILED',
      `transcription: unreadable audio (${lastLines(decoded.stderr)})`,
      false,
    );
  }
  return seconds(last[1]!, last[2]!, last[3]!);
}

/**
 * Writes the chunk's audio to `outFile` as 16 kHz mono MP3 at 64 kbit/s: what Whisper models
 * hear (they resample to 16 kHz mono), 8 KB a second, so 3000 s stay under OpenAI's 25 MB.
 */
export async function extractChunk(
  ffmpeg: string,
  path: string,
  chunk: AudioChunk,
  outFile: string,
  signal?: AbortSignal,
): Promise<void> {
  // -ss before -i seeks the input; when transcoding ffmpeg then decodes from there sample-accurately.
  const { code, stderr } = await runFfmpeg(
    ffmpeg,
    [
      '-v',
      'error',
      '-ss',
      chunk.start.toFixed(3),
      '-t',
      (chunk.end - chunk.start).toFixed(3),
      '-i',
      path,
      '-map',
      '0:a:0',
      '-ac',
      '1',
      '-ar',
      '16000',
      '-c:a',
      'libmp3lame',
      '-b:a',
      '64k',
      '-y',
      outFile,
    ],
    signal,
  );
  if (code !== 0) {
    throw new ProviderError(
      'ASR_FAILED',
      `transcription: ffmpeg could not cut ${chunk.start.toFixed(1)}-${chunk.end.toFixed(1)} s (${lastLines(stderr)})`,
      false,
    );
  }
}

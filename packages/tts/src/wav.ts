import type { SynthesisResult } from './types';

/** Minimal RIFF/WAVE handling for 16-bit PCM: what espeak-ng writes and what assembly needs. */

export interface WavInfo {
  sampleRate: number;
  channels: number;
  bitsPerSample: number;
  /** The PCM bytes (a view into the input buffer). */
  pcm: Buffer;
}

const PCM_FORMAT = 1;

export function parseWav(buf: Buffer): WavInfo {
  if (buf.length < 12 || buf.toString('ascii', 0, 4) !== 'RIFF' || buf.toString('ascii', 8, 12) !== 'WAVE') {
    throw new Error('not a RIFF/WAVE file');
  }
  let fmt: Omit<WavInfo, 'pcm'> | undefined;
  let offset = 12;
  while (offset + 8 <= buf.length) {
    const id = buf.toString('ascii', offset, offset + 4);
    const declared = buf.readUInt32LE(offset + 4);
    const body = offset + 8;
    // Streaming writers (espeak-ng --stdout) leave sizes at 0x7ffff000/0xffffffff: clamp to the buffer.
    const size = Math.min(declared, buf.length - body);
    if (id === 'fmt ') {
      if (buf.readUInt16LE(body) !== PCM_FORMAT) throw new Error('WAV is not integer PCM');
      fmt = {
        channels: buf.readUInt16LE(body + 2),
        sampleRate: buf.readUInt32LE(body + 4),
        bitsPerSample: buf.readUInt16LE(body + 14),
      };
    } else if (id === 'data') {
      if (!fmt) throw new Error('WAV data chunk before fmt chunk');
      const frameBytes = (fmt.bitsPerSample / 8) * fmt.channels;
      const whole = size - (size % frameBytes);
      return { ...fmt, pcm: buf.subarray(body, body + whole) };
    }
    offset = body + size + (size % 2); // chunks are word-aligned
  }
  throw new Error('WAV has no data chunk');
}

/** A canonical 44-byte-header WAV around 16-bit PCM. */
export function encodeWav(pcm: Buffer, sampleRate: number, channels = 1): Buffer {
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + pcm.length, 4);
  header.write('WAVE', 8, 'ascii');
  header.write('fmt ', 12, 'ascii');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(PCM_FORMAT, 20);
  header.writeUInt16LE(channels, 22);
  header.writeUInt32LE(sampleRate, 24);
  header.writeUInt32LE(sampleRate * channels * 2, 28);
  header.writeUInt16LE(channels * 2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(pcm.length, 40);
  return Buffer.concat([header, pcm]);
}

/**
 * The PCM as 16-bit samples (little-endian hosts): a view when the bytes are aligned, else a
 * copy. Indexing it is several times faster than readInt16LE per sample, and these loops run on
 * the audio worker's event loop.
 */
function samplesOf(pcm: Buffer): Int16Array {
  const count = Math.floor(pcm.length / 2);
  if (pcm.byteOffset % 2 === 0) return new Int16Array(pcm.buffer, pcm.byteOffset, count);
  const copy = new Int16Array(count);
  Buffer.from(copy.buffer).set(pcm.subarray(0, count * 2));
  return copy;
}

/** How quiet counts as silence (sample magnitude) and how much of it to keep next to the sound. */
interface TrimOptions {
  threshold?: number;
  keepSec?: number;
}

/** Index of the first sample louder than `threshold`, walking from `from` by `step`. */
function firstSound(samples: Int16Array, threshold: number, from: number, step: 1 | -1): number {
  let i = from;
  while (i >= 0 && i < samples.length && Math.abs(samples[i]!) <= threshold) i += step;
  return i;
}

/**
 * Drops the silence a synthesiser appends after speech (espeak-ng: ~0.2–0.33 s), keeping a short
 * tail for the decay, so the pauses between turns are the ones assembly chooses.
 */
export function trimTrailingSilence(
  pcm: Buffer,
  sampleRate: number,
  { threshold = 64, keepSec = 0.02 }: TrimOptions = {},
): Buffer {
  const samples = samplesOf(pcm);
  const last = firstSound(samples, threshold, samples.length - 1, -1);
  const keep = Math.min(pcm.length / 2, last + 1 + Math.round(keepSec * sampleRate));
  return pcm.subarray(0, keep * 2);
}

/** Drops leading silence down to `keepSec` before the first sound. */
export function trimLeadingSilence(
  pcm: Buffer,
  sampleRate: number,
  { threshold = 64, keepSec = 0.012 }: TrimOptions = {},
): Buffer {
  const first = firstSound(samplesOf(pcm), threshold, 0, 1);
  return pcm.subarray(Math.max(0, first - Math.round(keepSec * sampleRate)) * 2);
}

/**
 * Cuts mono 16-bit PCM at every silence of at least `minSilenceSec`: how a batch of lines voiced
 * in one synthesiser call (separated by long breaks) is split back into one clip per line.
 * Returns the pieces in order, each still carrying its share of the silences around it.
 */
export function splitOnSilence(
  pcm: Buffer,
  sampleRate: number,
  { minSilenceSec, threshold = 64 }: { minSilenceSec: number; threshold?: number },
): Buffer[] {
  const pcmSamples = samplesOf(pcm);
  const samples = pcmSamples.length;
  const minRun = Math.round(minSilenceSec * sampleRate);
  const pieces: Buffer[] = [];
  let pieceStart = 0;
  let runStart = -1;
  for (let i = 0; i <= samples; i++) {
    const silent = i < samples && Math.abs(pcmSamples[i]!) <= threshold;
    if (silent) {
      if (runStart < 0) runStart = i;
      continue;
    }
    if (runStart >= 0 && i - runStart >= minRun && i < samples && runStart > pieceStart) {
      const cut = runStart + Math.floor((i - runStart) / 2);
      pieces.push(pcm.subarray(pieceStart * 2, cut * 2));
      pieceStart = cut;
    }
    runStart = -1;
  }
  pieces.push(pcm.subarray(pieceStart * 2));
  return pieces;
}

/** The clip of `text` as a WAV file of 16-bit mono `pcm`. */
export function wavClip(pcm: Buffer, sampleRate: number, text: string): SynthesisResult {
  return {
    audio: encodeWav(pcm, sampleRate),
    format: 'wav',
    sampleRate,
    durationSec: pcm.length / 2 / sampleRate,
    characters: text.length,
  };
}

import type { TimedSegment } from '@podfleet/clips';
import { decodeToPcm } from './pcm';

/** Loudness is measured on a low-rate decode: speech energy needs no more, and it keeps the loop short. */
const ENERGY_SAMPLE_RATE = 8000;
/** Below this RMS (dBFS) a line counts as silence. */
const FLOOR_DB = -90;

/**
 * The loudness of each transcript line in an audio file, as RMS dBFS over the line's time span
 * (null for an untimed line or one outside the audio): the clip scorer's energy feature. ffmpeg
 * decodes in a child process; the sums over the samples are one pass over a small buffer.
 */
export async function segmentLoudnessDb(
  file: string,
  segments: readonly TimedSegment[],
  signal?: AbortSignal,
): Promise<(number | null)[]> {
  const { pcm } = await decodeToPcm(file, ENERGY_SAMPLE_RATE, signal);
  const samples = new Int16Array(pcm.buffer, pcm.byteOffset, Math.floor(pcm.length / 2));
  return segments.map((s) => {
    if (!Number.isFinite(s.start) || !Number.isFinite(s.end) || s.end <= s.start) return null;
    const from = Math.max(0, Math.floor(s.start * ENERGY_SAMPLE_RATE));
    const to = Math.min(samples.length, Math.ceil(s.end * ENERGY_SAMPLE_RATE));
    if (to <= from) return null;
    let sum = 0;
    for (let i = from; i < to; i++) {
      const x = (samples[i] as number) / 32768;
      sum += x * x;
    }
    const rms = Math.sqrt(sum / (to - from));
    return rms > 0 ? Math.max(FLOOR_DB, 20 * Math.log10(rms)) : FLOOR_DB;
  });
}

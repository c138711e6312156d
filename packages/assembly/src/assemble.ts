import { randomUUID } from 'node:crypto';
import { readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { LINE_GAP_SEC } from '@podfleet/providers';
import { z } from 'zod';
import { dspThreads } from './dsp-thread';
import { createEpisodeTag } from './id3';
import { measureLoudness } from './loudness';
import type { NormalizeOptions } from './loudness-dsp';
import { loadClipsPcm } from './pcm';
import { ffmpegPath, runTool } from './tools';

export const OUTPUT_SAMPLE_RATE = 44100;

export const assembleOptionsSchema = z.object({
  clips: z.array(z.object({ speaker: z.string(), text: z.string(), file: z.string().min(1) })).min(1),
  chapters: z
    .array(z.object({ title: z.string().min(1), firstLineIndex: z.number().int().min(0) }))
    .default([]),
  /** Silence between turns: the gap the scripts' duration estimate counts (LINE_GAP_SEC). */
  pauseSec: z.number().min(0).max(5).default(LINE_GAP_SEC),
  outFile: z.string().min(1),
  title: z.string().min(1),
  artist: z.string().min(1).default('podfleet'),
  targetLufs: z.number().min(-40).max(-5).default(-16),
  truePeakDb: z.number().min(-10).max(0).default(-1),
  bitrateKbps: z.number().int().min(32).max(320).default(64),
  /**
   * Also measure the finished MP3 with ffmpeg (≈0.5 s per 3 minutes) and re-encode once if it
   * missed the targets. Off by default: the PCM given to the encoder is measured exactly, and the
   * MP3 lands within a few tenths of it (see MP3_LOUDNESS_LOSS_LU, LIMITER_HEADROOM_DB).
   */
  measureOutput: z.boolean().default(false),
});
export type AssembleOptions = z.input<typeof assembleOptionsSchema> & { signal?: AbortSignal };

export interface TranscriptSegment {
  speaker: string;
  text: string;
  /** Seconds from the start of the episode, from sample counts (exact to the sample, rounded to ms). */
  start: number;
  end: number;
}

export interface AssembledEpisode {
  outFile: string;
  durationSec: number;
  sizeBytes: number;
  segments: TranscriptSegment[];
  chapters: Array<{ title: string; startSec: number }>;
  /**
   * Integrated loudness (LUFS) and true peak (dBTP): of the finished MP3 (ffmpeg ebur128) with
   * `measureOutput`, else of the PCM the encoder was given (BS.1770-4 in process; the MP3 measures
   * about MP3_LOUDNESS_LOSS_LU quieter below 320 kbps).
   */
  loudness: { integratedLufs: number; truePeakDb: number; measuredOn: 'mp3' | 'pcm' };
  /**
   * Where the time went (ms): clip loading/decoding, choosing the gain, rendering + MP3 encode +
   * tags (overlapped), the optional output check.
   */
  timingsMs: { load: number; normalize: number; encode: number; verify: number };
}

const ms = (seconds: number) => Math.round(seconds * 1000) / 1000;

// The limiter holds the PCM's true peak (4× oversampled) this far under the ceiling: the MP3
// encoder's ripple moves peaks by up to ~0.3 dB either way (measured on espeak speech).
export const LIMITER_HEADROOM_DB = 0.5;
// MP3 at 64–128 kbps, as ffmpeg measures it, reads this much quieter than our meter reads the PCM
// fed to the encoder (espeak speech: 0.45–0.55 LU; none at 320 kbps): the PCM is aimed that much higher.
export const MP3_LOUDNESS_LOSS_LU = 0.5;
// With `measureOutput`, past these on the finished file it is re-encoded once with corrected settings.
export const OUTPUT_LOUDNESS_TOLERANCE_LU = 0.75;

/** Concatenates clips with pauses in memory; segment times come from sample counts. */
function concatenate(clips: Buffer[], sampleRate: number, pauseSec: number, lines: AssembleOptions['clips']) {
  const pause = Buffer.alloc(Math.round(pauseSec * sampleRate) * 2);
  const parts: Buffer[] = [];
  const segments: TranscriptSegment[] = [];
  let samples = 0;
  clips.forEach((pcm, i) => {
    if (i > 0) {
      parts.push(pause);
      samples += pause.length / 2;
    }
    const start = samples / sampleRate;
    samples += pcm.length / 2;
    parts.push(pcm);
    segments.push({
      speaker: lines[i]!.speaker,
      text: lines[i]!.text,
      start: ms(start),
      end: ms(samples / sampleRate),
    });
  });
  return { pcm: Buffer.concat(parts), segments, durationSec: samples / sampleRate };
}

/**
 * Joins voiced lines into one MP3: PCM concatenation with pauses (in memory, exact timings), gain
 * and a true-peak limiter chosen by BS.1770-4 measurement in a worker thread, one ffmpeg encode
 * (a child process) fed as the output is rendered, an ID3 tag with chapters.
 */
export async function assembleEpisode(options: AssembleOptions): Promise<AssembledEpisode> {
  try {
    return await assemble(options);
  } catch (err) {
    if (options.signal?.aborted) throw options.signal.reason; // not fs's or a killed ffmpeg's error
    throw err;
  }
}

async function assemble(options: AssembleOptions): Promise<AssembledEpisode> {
  const { signal } = options;
  const opts = assembleOptionsSchema.parse(options);
  for (const chapter of opts.chapters) {
    if (chapter.firstLineIndex >= opts.clips.length) {
      throw new Error(
        `chapter "${chapter.title}" starts at line ${chapter.firstLineIndex} of ${opts.clips.length}`,
      );
    }
  }
  const clock = { at: performance.now() };
  const lap = () => {
    const now = performance.now();
    const elapsed = Math.round(now - clock.at);
    clock.at = now;
    return elapsed;
  };

  const loaded = await loadClipsPcm(
    opts.clips.map((c) => c.file),
    { signal },
  );
  const { pcm, segments, durationSec } = concatenate(
    loaded.clips,
    loaded.sampleRate,
    opts.pauseSec,
    opts.clips,
  );
  const load = lap();

  const target: NormalizeOptions = {
    targetLufs: opts.targetLufs + (opts.bitrateKbps < 320 ? MP3_LOUDNESS_LOSS_LU : 0),
    ceilingDb: opts.truePeakDb - LIMITER_HEADROOM_DB,
  };
  const chapters = opts.chapters.map((c) => ({
    title: c.title,
    startSec: segments[c.firstLineIndex]!.start,
  }));
  const tag = createEpisodeTag({ title: opts.title, artist: opts.artist, durationSec, chapters });
  /**
   * Gain + limiter in a worker thread, streamed into ffmpeg: the encoder starts while the gain is
   * being chosen and encodes the output as it is rendered; the output is measured meanwhile.
   */
  const normalizeAndEncode = async () => {
    const normalizing = dspThreads.normalize(pcm, loaded.sampleRate, target, signal);
    const started = performance.now();
    let chosenMs = 0;
    normalizing.chosen.then(
      () => {
        chosenMs = performance.now() - started;
      },
      () => {}, // reported by `result`
    );
    const encoding = encodeTagged({
      pcm: normalizing.output,
      sampleRate: loaded.sampleRate,
      tag,
      outFile: opts.outFile,
      opts,
      signal,
    });
    const [result] = await Promise.all([normalizing.result, encoding]);
    return { result, chosenMs: Math.round(chosenMs) };
  };
  let { result, chosenMs: normalize } = await normalizeAndEncode();
  let encode = lap() - normalize;

  let loudness: AssembledEpisode['loudness'] = {
    integratedLufs: result.integratedLufs,
    truePeakDb: result.truePeakDb,
    measuredOn: 'pcm',
  };
  if (opts.measureOutput) {
    let mp3 = await measureLoudness(opts.outFile, { signal });
    const loudnessError = opts.targetLufs - mp3.integratedLufs;
    const peakExcess = mp3.truePeakDb - opts.truePeakDb;
    // Safety net for unusual material: one re-encode with the measured errors corrected.
    if (Math.abs(loudnessError) > OUTPUT_LOUDNESS_TOLERANCE_LU || peakExcess > 0) {
      target.targetLufs += loudnessError;
      if (peakExcess > 0) target.ceilingDb -= peakExcess + 0.2;
      lap();
      ({ result } = await normalizeAndEncode());
      encode += lap();
      mp3 = await measureLoudness(opts.outFile, { signal });
    }
    loudness = { integratedLufs: mp3.integratedLufs, truePeakDb: mp3.truePeakDb, measuredOn: 'mp3' };
  }
  const verify = lap();
  return {
    outFile: opts.outFile,
    durationSec: ms(durationSec),
    sizeBytes: (await stat(opts.outFile)).size,
    segments,
    chapters,
    loudness,
    timingsMs: { load, normalize, encode, verify },
  };
}

async function encodeTagged(job: {
  pcm: AsyncIterable<Buffer>;
  sampleRate: number;
  tag: Buffer;
  outFile: string;
  opts: z.output<typeof assembleOptionsSchema>;
  signal: AbortSignal | undefined;
}): Promise<void> {
  const partFile = `${job.outFile}.${randomUUID()}.part`;
  try {
    await runTool(
      ffmpegPath(),
      [
        ...['-hide_banner', '-v', 'error', '-nostdin'],
        ...['-f', 's16le', '-ar', String(job.sampleRate), '-ac', '1', '-i', 'pipe:0'],
        ...['-c:a', 'libmp3lame', '-b:a', `${job.opts.bitrateKbps}k`, '-compression_level', '9'],
        ...['-ar', String(OUTPUT_SAMPLE_RATE), '-ac', '1'],
        // No ID3 from ffmpeg (ours is prepended); the Xing/LAME frame lets decoders drop encoder delay.
        ...['-map_metadata', '-1', '-id3v2_version', '0', '-write_xing', '1', '-f', 'mp3', '-y', partFile],
      ],
      { input: job.pcm, signal: job.signal },
    );
    await writeFile(partFile, Buffer.concat([job.tag, await readFile(partFile)]));
    await rename(partFile, job.outFile);
  } finally {
    await rm(partFile, { force: true });
  }
}

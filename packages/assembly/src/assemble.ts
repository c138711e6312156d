import { randomUUID } from 'node:crypto';
import { readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { z } from 'zod';
import { createEpisodeTag } from './id3';
import { type Loudness, measureLoudness, runEbur128 } from './loudness';
import { loadClipsPcm } from './pcm';
import { ffmpegPath, runTool } from './tools';

export const OUTPUT_SAMPLE_RATE = 44100;

export const assembleOptionsSchema = z.object({
  clips: z.array(z.object({ speaker: z.string(), text: z.string(), file: z.string().min(1) })).min(1),
  chapters: z
    .array(z.object({ title: z.string().min(1), firstLineIndex: z.number().int().min(0) }))
    .default([]),
  /** Silence between turns. */
  pauseSec: z.number().min(0).max(5).default(0.35),
  outFile: z.string().min(1),
  title: z.string().min(1),
  artist: z.string().min(1).default('podfleet'),
  targetLufs: z.number().min(-40).max(-5).default(-16),
  truePeakDb: z.number().min(-10).max(0).default(-1),
  bitrateKbps: z.number().int().min(32).max(320).default(64),
  /** Measure the finished MP3 (≈0.4 s per 3 minutes) and re-encode once if it missed the targets. */
  measureOutput: z.boolean().default(true),
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
  /** Measured on the finished MP3 (ffmpeg ebur128, true peak); null when `measureOutput` is false. */
  loudness: { integratedLufs: number; truePeakDb: number } | null;
  /** Where the time went (ms): clip loading/decoding, loudness passes, MP3 encode + tags, output check. */
  timingsMs: { load: number; measure: number; encode: number; verify: number };
}

const ms = (seconds: number) => Math.round(seconds * 1000) / 1000;

// The limiter works on samples: this much below the true-peak ceiling keeps inter-sample peaks and
// the MP3 encoder's ripple under it (measured on espeak speech: the MP3's true peak lands within
// 0.3 dB of the limit, either side).
const LIMITER_HEADROOM_DB = 0.5;
// Limiting peaky speech lowers its loudness, and raising the gain raises it by less than the gain
// (about 0.75 LU per dB on espeak speech): corrections are scaled up by this much.
const LIMITER_COMPENSATION = 1.3;
// The gain is corrected once when the processed loudness is further than this from the target.
const LOUDNESS_TOLERANCE_LU = 0.3;
// MP3 at 64–128 kbps measures this much quieter than the PCM fed to it (measured on espeak speech:
// 0.4–0.5 LU; none at 320 kbps): the PCM is aimed that much higher.
const MP3_LOUDNESS_LOSS_LU = 0.4;
// Past these on the finished file, it is re-encoded once with corrected settings.
const OUTPUT_LOUDNESS_TOLERANCE_LU = 0.75;

function processingFilter(gainDb: number, ceilingDb: number): string {
  const limit = 10 ** (ceilingDb / 20);
  return `aresample=${OUTPUT_SAMPLE_RATE},volume=${gainDb.toFixed(2)}dB,alimiter=limit=${limit.toFixed(4)}:level=false`;
}

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
 * Joins voiced lines into one MP3: PCM concatenation with pauses (in memory, exact timings), two
 * short ebur128 passes to choose the gain, one encode with gain + true-peak limiter, an ID3 tag
 * with chapters, then a measurement of the finished file. Every CPU-heavy step runs in an ffmpeg
 * child process.
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
  const pcmInput = ['-f', 's16le', '-ar', String(loaded.sampleRate), '-ac', '1', '-i', 'pipe:0'];
  const load = lap();

  // Gain from the joined PCM's loudness, then one correction measured through the real chain.
  let ceilingDb = opts.truePeakDb - LIMITER_HEADROOM_DB;
  const pcmTarget = opts.targetLufs + (opts.bitrateKbps < 320 ? MP3_LOUDNESS_LOSS_LU : 0);
  const raw = await runEbur128(pcmInput, { input: pcm, truePeak: false, signal });
  let gainDb = Number.isFinite(raw.integratedLufs) ? pcmTarget - raw.integratedLufs : 0;
  if (Number.isFinite(raw.integratedLufs)) {
    const filter = processingFilter(gainDb, ceilingDb);
    const processed = await runEbur128(pcmInput, { input: pcm, filter, truePeak: false, signal });
    const error = pcmTarget - processed.integratedLufs;
    if (Math.abs(error) > LOUDNESS_TOLERANCE_LU) gainDb += error * LIMITER_COMPENSATION;
  }
  const measure = lap();

  const chapters = opts.chapters.map((c) => ({
    title: c.title,
    startSec: segments[c.firstLineIndex]!.start,
  }));
  const tag = createEpisodeTag({ title: opts.title, artist: opts.artist, durationSec, chapters });
  const encodeMp3 = () =>
    encodeTagged({
      pcm,
      pcmInput,
      tag,
      outFile: opts.outFile,
      filter: processingFilter(gainDb, ceilingDb),
      opts,
      signal,
    });
  await encodeMp3();
  let encode = lap();

  let loudness: Loudness | undefined;
  if (opts.measureOutput) {
    loudness = await measureLoudness(opts.outFile, { signal });
    const loudnessError = opts.targetLufs - loudness.integratedLufs;
    const peakExcess = loudness.truePeakDb - opts.truePeakDb;
    // Safety net for unusual material: one re-encode with the measured errors corrected.
    if (Math.abs(loudnessError) > OUTPUT_LOUDNESS_TOLERANCE_LU || peakExcess > 0) {
      gainDb += loudnessError;
      if (peakExcess > 0) ceilingDb -= peakExcess + 0.2;
      lap();
      await encodeMp3();
      encode += lap();
      loudness = await measureLoudness(opts.outFile, { signal });
    }
  }
  const verify = lap();
  return {
    outFile: opts.outFile,
    durationSec: ms(durationSec),
    sizeBytes: (await stat(opts.outFile)).size,
    segments,
    chapters,
    loudness: loudness ? { integratedLufs: loudness.integratedLufs, truePeakDb: loudness.truePeakDb } : null,
    timingsMs: { load, measure, encode, verify },
  };
}

async function encodeTagged(job: {
  pcm: Buffer;
  pcmInput: string[];
  tag: Buffer;
  outFile: string;
  filter: string;
  opts: z.output<typeof assembleOptionsSchema>;
  signal: AbortSignal | undefined;
}): Promise<void> {
  const partFile = `${job.outFile}.${randomUUID()}.part`;
  try {
    await runTool(
      ffmpegPath(),
      [
        ...['-hide_banner', '-v', 'error', '-nostdin', ...job.pcmInput, '-af', job.filter],
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

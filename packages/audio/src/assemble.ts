import { randomUUID } from 'node:crypto';
import { readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { z } from 'zod';
import { createEpisodeTag } from './id3';
import { measureLoudness, runEbur128 } from './loudness';
import { loadClipsPcm } from './pcm';
import { ffmpegPath, runTool } from './tools';

export const OUTPUT_SAMPLE_RATE = 44100;

export const assembleOptionsSchema = z.object({
  clips: z.array(z.object({ speaker: z.string(), text: z.string(), file: z.string().min(1) })).min(1),
  chapters: z.array(z.object({ title: z.string().min(1), firstLineIndex: z.number().int().min(0) })).default([]),
  /** Silence between turns. */
  pauseSec: z.number().min(0).max(5).default(0.35),
  outFile: z.string().min(1),
  title: z.string().min(1),
  artist: z.string().min(1).default('podfleet'),
  targetLufs: z.number().min(-40).max(-5).default(-16),
  truePeakDb: z.number().min(-10).max(0).default(-1),
  bitrateKbps: z.number().int().min(32).max(320).default(64),
  /** Re-measure the finished MP3 (≈0.6 s per 3 minutes) instead of reporting the pre-encode figures. */
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
  loudness: { integratedLufs: number; truePeakDb: number };
  /** Where the time went (ms): clip loading/decoding, loudness passes, MP3 encode + tags, output check. */
  timingsMs: { load: number; measure: number; encode: number; verify: number };
}

const ms = (seconds: number) => Math.round(seconds * 1000) / 1000;

// The limiter works on samples; this headroom keeps inter-sample (true) peaks and the MP3
// encoder's ripple under the true-peak ceiling.
const LIMITER_HEADROOM_DB = 1;

function processingFilter(gainDb: number, truePeakDb: number): string {
  const limit = 10 ** ((truePeakDb - LIMITER_HEADROOM_DB) / 20);
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
    segments.push({ speaker: lines[i]!.speaker, text: lines[i]!.text, start: ms(start), end: ms(samples / sampleRate) });
  });
  return { pcm: Buffer.concat(parts), segments, durationSec: samples / sampleRate };
}

/**
 * Joins voiced lines into one MP3: PCM concatenation with pauses (in memory, exact timings), an
 * ebur128 measuring pass, one encode with gain + limiter, then ID3 tags with chapters. Every
 * CPU-heavy step runs in an ffmpeg child process.
 */
export async function assembleEpisode(options: AssembleOptions): Promise<AssembledEpisode> {
  const { signal } = options;
  const opts = assembleOptionsSchema.parse(options);
  for (const chapter of opts.chapters) {
    if (chapter.firstLineIndex >= opts.clips.length) {
      throw new Error(`chapter "${chapter.title}" starts at line ${chapter.firstLineIndex} of ${opts.clips.length}`);
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
  const { pcm, segments, durationSec } = concatenate(loaded.clips, loaded.sampleRate, opts.pauseSec, opts.clips);
  const pcmInput = ['-f', 's16le', '-ar', String(loaded.sampleRate), '-ac', '1', '-i', 'pipe:0'];
  const load = lap();

  const measured = await runEbur128(pcmInput, { input: pcm, truePeak: false, signal });
  const gainDb = Number.isFinite(measured.integratedLufs) ? opts.targetLufs - measured.integratedLufs : 0;
  const measure = lap();

  const chapters = opts.chapters.map((c) => ({ title: c.title, startSec: segments[c.firstLineIndex]!.start }));
  const partFile = `${opts.outFile}.${randomUUID()}.part`;
  try {
    await runTool(ffmpegPath(), [...['-hide_banner', '-v', 'error', '-nostdin'], ...pcmInput, ...encoderArgs(gainDb, opts), partFile], {
      input: pcm,
      signal,
    });
    const tag = createEpisodeTag({ title: opts.title, artist: opts.artist, durationSec, chapters });
    await writeFile(partFile, Buffer.concat([tag, await readFile(partFile)]));
    await rename(partFile, opts.outFile);
  } finally {
    await rm(partFile, { force: true });
  }
  const encode = lap();

  const loudness = opts.measureOutput ? await measureLoudness(opts.outFile, { signal }) : undefined;
  const verify = lap();
  return {
    outFile: opts.outFile,
    durationSec: ms(durationSec),
    sizeBytes: (await stat(opts.outFile)).size,
    segments,
    chapters,
    loudness: {
      integratedLufs: loudness?.integratedLufs ?? Number.NaN,
      truePeakDb: loudness?.truePeakDb ?? Number.NaN,
    },
    timingsMs: { load, measure, encode, verify },
  };
}

function encoderArgs(gainDb: number, opts: z.output<typeof assembleOptionsSchema>): string[] {
  return [
    ...['-af', processingFilter(gainDb, opts.truePeakDb)],
    ...['-c:a', 'libmp3lame', '-b:a', `${opts.bitrateKbps}k`, '-compression_level', '9'],
    ...['-ar', String(OUTPUT_SAMPLE_RATE), '-ac', '1'],
    // No ID3 from ffmpeg (ours is prepended); the Xing/LAME frame lets decoders drop encoder delay.
    ...['-map_metadata', '-1', '-id3v2_version', '0', '-write_xing', '1', '-f', 'mp3', '-y'],
  ];
}

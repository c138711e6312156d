// An uploaded file made into the feed's MP3: probed, measured, brought to the episode loudness
// (gain and a limiter, the same targets and MP3 settings as assembled episodes) and tagged.
// Everything heavy is ffmpeg in child processes, streaming from and to files: an upload may be
// hours long, so its PCM is never held in memory.
import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import {
  LIMITER_HEADROOM_DB,
  MP3_LOUDNESS_LOSS_LU,
  OUTPUT_LOUDNESS_TOLERANCE_LU,
  OUTPUT_SAMPLE_RATE,
} from './assemble';
import { createEpisodeTag } from './id3';
import { type Loudness, measureLoudness, parseEbur128Summary } from './loudness';
import { type AudioProbe, probeAudio } from './probe';
import { ffmpegPath, runTool } from './tools';

/** A file ffmpeg cannot decode (or only a sliver of): the job fails saying so, no attempt repeats it. */
export class UndecodableAudioError extends Error {
  readonly code = 'AUDIO_UNDECODABLE';
  readonly retryable = false;
  constructor(message: string) {
    super(message);
    this.name = 'UndecodableAudioError';
  }
}

export interface NormalizeUploadOptions {
  inFile: string;
  outFile: string;
  title: string;
  artist?: string;
  chapters?: ReadonlyArray<{ title: string; startSec: number }>;
  targetLufs?: number;
  truePeakDb?: number;
  bitrateKbps?: number;
  signal?: AbortSignal;
  onStep?(step: 'measure' | 'encode' | 'verify', fraction: number): Promise<void>;
}

export interface NormalizedUpload {
  /** What ffmpeg read from the upload's headers. */
  input: AudioProbe;
  /** Seconds of audio actually decoded from the upload (the episode's length). */
  durationSec: number;
  sizeBytes: number;
  /** Of the finished MP3 (ffmpeg ebur128). */
  loudness: { integratedLufs: number; truePeakDb: number; measuredOn: 'mp3' };
  /** Gain applied before the limiter (dB). */
  gainDb: number;
  /** The chapters tagged: those that start within the audio. */
  chapters: Array<{ title: string; startSec: number }>;
}

// Less audio than this decoded, or less than this share of what the file declares: the file is
// damaged past use (a valid header over garbage decodes to a few milliseconds).
const MIN_DECODED_SEC = 0.25;
const MIN_DECODED_SHARE = 0.5;
// ebur128 reports its gate (−70 LUFS) for silence and for audio too short to measure.
const SILENCE_LUFS = -70;

/** Every upload becomes the feed's format: mono, 44.1 kHz, resampled and downmixed before any measurement. */
const TO_EPISODE_FORMAT = `aresample=${OUTPUT_SAMPLE_RATE},aformat=channel_layouts=mono`;

/** ffmpeg's distinct complaints about `inFile` (without `[decoder @ 0x…]` prefixes nor the work path), at most three. */
const decoderErrors = (stderr: string, inFile: string) =>
  [
    ...new Set(
      stderr
        .split('\n')
        .filter((l) => /error|invalid|missing|corrupt|fail/i.test(l))
        .map((l) =>
          l
            .replace(/^\[[^\]]+\]\s*/, '')
            .replaceAll(inFile, 'the file')
            .trim(),
        ),
    ),
  ]
    .slice(0, 3)
    .join('; ');

/** ffmpeg refused the file (runTool's error carries its stderr). */
function undecodable(err: unknown, inFile: string): UndecodableAudioError {
  const stderr = (err as { stderr?: unknown }).stderr;
  const errors = typeof stderr === 'string' ? decoderErrors(stderr, inFile) : '';
  return new UndecodableAudioError(`the audio cannot be decoded: ${errors || (err as Error).message}`);
}

/**
 * Decodes the whole upload once, in the episode's format: its loudness and how much of it
 * actually decodes. Fails with UndecodableAudioError when ffmpeg cannot read it, or reads only a
 * sliver of what its header declares.
 */
async function measureDecoded(
  inFile: string,
  declaredSec: number,
  signal: AbortSignal | undefined,
): Promise<{ loudness: Loudness; decodedSec: number }> {
  let result: { stdout: Buffer; stderr: string };
  try {
    result = await runTool(
      ffmpegPath(),
      [
        ...['-hide_banner', '-nostdin', '-nostats', '-i', inFile, '-map', '0:a:0'],
        ...['-af', `${TO_EPISODE_FORMAT},ebur128=peak=true`, '-f', 'null', '-progress', 'pipe:1', '-'],
      ],
      { signal },
    );
  } catch (err) {
    if (signal?.aborted) throw err;
    throw undecodable(err, inFile);
  }
  const times = [...result.stdout.toString('utf8').matchAll(/^out_time_(?:us|ms)=(\d+)$/gm)];
  const decodedSec = times.length > 0 ? Number(times.at(-1)![1]) / 1e6 : 0;
  if (decodedSec < MIN_DECODED_SEC || decodedSec < declaredSec * MIN_DECODED_SHARE) {
    const errors = decoderErrors(result.stderr, inFile);
    throw new UndecodableAudioError(
      `only ${decodedSec.toFixed(2)} s of the ${declaredSec.toFixed(2)} s of audio the file declares could be decoded` +
        (errors ? ` (${errors})` : ''),
    );
  }
  return { loudness: parseEbur128Summary(result.stderr), decodedSec };
}

/** One encode of the upload to the episode MP3 (no tag): gain, then a sample-peak limiter at `ceilingDb`. */
async function encode(
  inFile: string,
  partFile: string,
  gainDb: number,
  ceilingDb: number,
  bitrateKbps: number,
  signal: AbortSignal | undefined,
): Promise<void> {
  // alimiter's `level` (auto make-up gain) is on by default: it would undo the chosen loudness.
  const limit = Math.min(1, 10 ** (ceilingDb / 20)).toFixed(4);
  await runTool(
    ffmpegPath(),
    [
      ...['-hide_banner', '-v', 'error', '-nostdin', '-i', inFile, '-map', '0:a:0'],
      ...['-af', `${TO_EPISODE_FORMAT},volume=${gainDb.toFixed(2)}dB,alimiter=limit=${limit}:level=0`],
      ...['-c:a', 'libmp3lame', '-b:a', `${bitrateKbps}k`, '-compression_level', '9'],
      ...['-ar', String(OUTPUT_SAMPLE_RATE), '-ac', '1'],
      // As assembled episodes: our ID3 tag goes in front; the Xing/LAME frame lets decoders drop encoder delay.
      ...['-map_metadata', '-1', '-id3v2_version', '0', '-write_xing', '1', '-f', 'mp3', '-y', partFile],
    ],
    { signal },
  );
}

/**
 * The upload as the feed's MP3 at `targetLufs` (default −16 LUFS, true peak ≤ −1 dBTP): one decode
 * measures it, one encode applies gain and a limiter, the MP3 is measured and, if it missed, encoded
 * once more with the error corrected (as assembleEpisode's measureOutput). The ID3 tag (title,
 * chapters) is written in front of the encoded file by streaming, never reading it whole.
 */
export async function normalizeUploadedAudio(options: NormalizeUploadOptions): Promise<NormalizedUpload> {
  const { inFile, outFile, signal } = options;
  const targetLufs = options.targetLufs ?? -16;
  const truePeakDb = options.truePeakDb ?? -1;
  const bitrateKbps = options.bitrateKbps ?? 64;
  let input: AudioProbe;
  try {
    input = await probeAudio(inFile, { signal });
  } catch (err) {
    if (signal?.aborted) throw err;
    throw undecodable(err, inFile);
  }
  await options.onStep?.('measure', 0);
  const measured = await measureDecoded(inFile, input.durationSec, signal);
  const silent = !(measured.loudness.integratedLufs > SILENCE_LUFS);
  // MP3 at 64–128 kbps measures a little quieter than what was fed to the encoder (see assemble.ts).
  let gainDb = silent ? 0 : targetLufs + MP3_LOUDNESS_LOSS_LU - measured.loudness.integratedLufs;
  let ceilingDb = truePeakDb - LIMITER_HEADROOM_DB;

  const partFile = `${outFile}.${randomUUID()}.part`;
  try {
    await options.onStep?.('encode', 0.3);
    await encode(inFile, partFile, gainDb, ceilingDb, bitrateKbps, signal);
    await options.onStep?.('verify', 0.8);
    let mp3 = await measureLoudness(partFile, { signal });
    const loudnessError = targetLufs - mp3.integratedLufs;
    const peakExcess = mp3.truePeakDb - truePeakDb;
    if (!silent && (Math.abs(loudnessError) > OUTPUT_LOUDNESS_TOLERANCE_LU || peakExcess > 0)) {
      gainDb += loudnessError;
      if (peakExcess > 0) ceilingDb -= peakExcess + 0.2;
      await encode(inFile, partFile, gainDb, ceilingDb, bitrateKbps, signal);
      mp3 = await measureLoudness(partFile, { signal });
    }
    const chapters = (options.chapters ?? []).filter((c) => c.startSec < measured.decodedSec);
    const tag = createEpisodeTag({
      title: options.title,
      artist: options.artist ?? 'podfleet',
      durationSec: measured.decodedSec,
      chapters,
    });
    const out = createWriteStream(outFile);
    out.write(tag);
    await pipeline(createReadStream(partFile), out);
    return {
      input,
      durationSec: Math.round(measured.decodedSec * 1000) / 1000,
      sizeBytes: (await stat(outFile)).size,
      loudness: { integratedLufs: mp3.integratedLufs, truePeakDb: mp3.truePeakDb, measuredOn: 'mp3' },
      gainDb: Math.round(gainDb * 100) / 100,
      chapters,
    };
  } finally {
    await rm(partFile, { force: true });
  }
}

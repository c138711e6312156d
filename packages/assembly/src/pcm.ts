import { readFile } from 'node:fs/promises';
import { mapLimit } from '@podfleet/providers';
import { parseWav } from '@podfleet/tts';
import { ffmpegPath, runTool } from './tools';

/** Rate used when clips differ (e.g. ElevenLabs MP3s): the output's rate. */
export const MIXED_CLIP_RATE = 44100;

export interface ClipsPcm {
  sampleRate: number;
  /** Mono 16-bit little-endian PCM per clip, in input order. */
  clips: Buffer[];
}

function monoPcm16(buf: Buffer): { pcm: Buffer; sampleRate: number } | undefined {
  if (buf.toString('ascii', 0, 4) !== 'RIFF') return undefined;
  try {
    const wav = parseWav(buf);
    return wav.channels === 1 && wav.bitsPerSample === 16
      ? { pcm: wav.pcm, sampleRate: wav.sampleRate }
      : undefined;
  } catch {
    return undefined; // let ffmpeg try
  }
}

/**
 * Decodes an audio file with ffmpeg to mono 16-bit PCM at `sampleRate`, as a player would;
 * `errors` is what ffmpeg reported about the stream (empty when every frame decoded).
 */
export async function decodeToPcm(
  file: string,
  sampleRate: number,
  signal?: AbortSignal,
): Promise<{ pcm: Buffer; errors: string }> {
  const args = ['-hide_banner', '-v', 'error', '-nostdin', '-i', file, '-f', 's16le', '-ac', '1'];
  const { stdout, stderr } = await runTool(ffmpegPath(), [...args, '-ar', String(sampleRate), '-'], {
    signal,
  });
  return { pcm: stdout, errors: stderr };
}

/**
 * Loads every clip as mono 16-bit PCM at one rate. espeak WAVs (all 22 050 Hz) are read as they
 * are, with no ffmpeg at all; anything else (MP3, other rates) is decoded by ffmpeg child processes.
 */
export async function loadClipsPcm(
  files: readonly string[],
  { concurrency = 2, signal }: { concurrency?: number; signal?: AbortSignal } = {},
): Promise<ClipsPcm> {
  const raw = await Promise.all(files.map((f) => readFile(f, { signal })));
  const wavs = raw.map(monoPcm16);
  const rates = new Set(wavs.map((w) => w?.sampleRate));
  if (rates.size === 1 && !rates.has(undefined)) {
    return { sampleRate: wavs[0]!.sampleRate, clips: wavs.map((w) => w!.pcm) };
  }
  const clips = await mapLimit(files, concurrency, (file, i) => {
    const wav = wavs[i];
    return wav?.sampleRate === MIXED_CLIP_RATE
      ? Promise.resolve(wav.pcm)
      : decodeToPcm(file, MIXED_CLIP_RATE, signal).then((d) => d.pcm);
  });
  return { sampleRate: MIXED_CLIP_RATE, clips };
}

import { ffmpegPath, runTool } from './tools';

export interface Loudness {
  /** EBU R128 integrated loudness (LUFS); -Infinity for silence. */
  integratedLufs: number;
  /** Maximum true peak (dBTP), 4× oversampled by ffmpeg. */
  truePeakDb: number;
  loudnessRangeLu: number;
}

function summaryValue(summary: string, label: string, unit: string): number {
  const m = new RegExp(`${label}:\\s+(-?(?:\\d+(?:\\.\\d+)?|inf))\\s+${unit}`).exec(summary);
  if (!m) throw new Error(`ebur128 summary has no ${label}`);
  return m[1] === '-inf' ? Number.NEGATIVE_INFINITY : Number(m[1]);
}

/** Parses the summary ffmpeg's ebur128 filter prints at the end of a run. */
export function parseEbur128Summary(stderr: string): Loudness {
  const at = stderr.lastIndexOf('Summary:');
  if (at < 0) throw new Error('ffmpeg printed no ebur128 summary');
  const summary = stderr.slice(at);
  return {
    integratedLufs: summaryValue(summary, 'I', 'LUFS'),
    truePeakDb: /Peak:/.test(summary) ? summaryValue(summary, 'Peak', 'dBFS') : Number.NaN,
    loudnessRangeLu: summaryValue(summary, 'LRA', 'LU'),
  };
}

/**
 * ebur128 with true peak over ffmpeg's input: `-f s16le …` for raw PCM on stdin, or `-i file`.
 */
export async function runEbur128(
  inputArgs: string[],
  { input, signal }: { input?: Buffer; signal?: AbortSignal } = {},
): Promise<Loudness> {
  const { stderr } = await runTool(
    ffmpegPath(),
    [
      '-hide_banner',
      '-nostats',
      '-nostdin',
      ...inputArgs,
      '-af',
      'ebur128=framelog=verbose:peak=true',
      '-f',
      'null',
      '-',
    ],
    { input, signal },
  );
  return parseEbur128Summary(stderr);
}

/** Integrated loudness and true peak of an audio file, as a podcast platform would measure them. */
export function measureLoudness(file: string, options: { signal?: AbortSignal } = {}): Promise<Loudness> {
  return runEbur128(['-i', file], options);
}

import { ffmpegPath, runTool } from './tools';

export interface AudioProbe {
  /** Container duration (ffmpeg reports centiseconds); for MP3 it includes the ~36 ms of encoder delay/padding. */
  durationSec: number;
  codec: string;
  sampleRate: number;
  channels: number;
}

const CHANNELS: Record<string, number> = { mono: 1, stereo: 2 };

/**
 * What ffmpeg reads from a file's headers. ffmpeg rather than ffprobe: the npm ffprobe binary is
 * only made executable by an install script, which pnpm skips.
 */
export async function probeAudio(file: string, options: { signal?: AbortSignal } = {}): Promise<AudioProbe> {
  const { stderr } = await runTool(
    ffmpegPath(),
    ['-hide_banner', '-nostdin', '-i', file, '-t', '0', '-f', 'null', '-'],
    { signal: options.signal },
  );
  const duration = /Duration: (\d+):(\d{2}):(\d{2}(?:\.\d+)?)/.exec(stderr);
  const stream = /Stream #\d+:\d+.*?: Audio: (\w+)[^,]*, (\d+) Hz, (mono|stereo|\d+ channels)/.exec(stderr);
  if (!duration || !stream) throw new Error(`ffmpeg found no audio stream in ${file}`);
  const [, h, m, s] = duration;
  const [, codec, rate, layout] = stream;
  return {
    durationSec: Number(h) * 3600 + Number(m) * 60 + Number(s),
    codec: codec!,
    sampleRate: Number(rate),
    channels: CHANNELS[layout!] ?? Number.parseInt(layout!, 10),
  };
}

export async function probeDurationSec(
  file: string,
  options: { signal?: AbortSignal } = {},
): Promise<number> {
  return (await probeAudio(file, options)).durationSec;
}

import { ffprobePath, runTool } from './tools';

/**
 * Container duration as ffprobe reports it. For MP3 this includes the encoder delay and padding
 * (~36 ms at 44.1 kHz) that decoders strip via the LAME header.
 */
export async function probeDurationSec(file: string, options: { signal?: AbortSignal } = {}): Promise<number> {
  const { stdout } = await runTool(
    ffprobePath(),
    ['-v', 'error', '-show_entries', 'format=duration', '-of', 'default=noprint_wrappers=1:nokey=1', file],
    { signal: options.signal },
  );
  const seconds = Number(stdout.toString('utf8').trim());
  if (!Number.isFinite(seconds)) throw new Error(`ffprobe gave no duration for ${file}`);
  return seconds;
}

import { loadClipsPcm } from './pcm';
import { ffmpegPath, runTool } from './tools';

/**
 * The benchmarks' baseline: the clips joined back to back and encoded once, with the same MP3
 * settings as assembleEpisode but no pauses, loudness work or tags.
 */
export async function encodeRawPath(
  clipFiles: readonly string[],
  outFile: string,
  bitrateKbps = 64,
): Promise<void> {
  const { sampleRate, clips } = await loadClipsPcm(clipFiles);
  const input = ['-v', 'error', '-f', 's16le', '-ar', String(sampleRate), '-ac', '1', '-i', 'pipe:0'];
  const output = ['-ar', '44100', '-c:a', 'libmp3lame', '-b:a', `${bitrateKbps}k`, '-compression_level', '9'];
  await runTool(ffmpegPath(), [...input, ...output, '-y', outFile], { input: Buffer.concat(clips) });
}

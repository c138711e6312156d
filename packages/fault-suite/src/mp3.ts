import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ffmpegPath, runTool } from '@podfleet/assembly';

/** A short real MP3 (a sine tone, 44.1 kHz mono) for the fake TTS to answer with. */
export async function makeToneMp3(seconds = 0.8): Promise<Buffer> {
  const dir = await mkdtemp(join(tmpdir(), 'pf-tone-'));
  try {
    const file = join(dir, 'tone.mp3');
    await runTool(ffmpegPath(), [
      '-hide_banner',
      '-loglevel',
      'error',
      '-f',
      'lavfi',
      '-i',
      `sine=frequency=330:duration=${seconds}`,
      '-ac',
      '1',
      '-ar',
      '44100',
      '-b:a',
      '64k',
      '-f',
      'mp3',
      file,
    ]);
    return await readFile(file);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

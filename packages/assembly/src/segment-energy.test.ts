import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { segmentLoudnessDb } from './segment-energy';
import { ffmpegPath, runTool } from './tools';

test('measures each timed line of the audio: louder speech reads higher, untimed lines are null', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'segment-energy-'));
  try {
    const file = join(dir, 'tone.mp3');
    // 2 s at a tenth of full scale, then 2 s at half.
    await runTool(ffmpegPath(), [
      ...['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'sine=frequency=300:duration=4'],
      ...['-af', "volume='if(lt(t,2),0.1,0.5)':eval=frame", '-c:a', 'libmp3lame', '-b:a', '96k', file],
    ]);
    const line = (start: number, end: number) => ({ speaker: 'A', text: 'Words.', start, end });
    const [quiet, loud, untimed, outside] = await segmentLoudnessDb(file, [
      line(0.2, 1.8),
      line(2.2, 3.8),
      line(Number.NaN, Number.NaN),
      line(10, 12),
    ]);
    // 20·log10(0.5 / 0.1) ≈ 14 dB apart.
    expect(loud! - quiet!).toBeGreaterThan(12);
    expect(loud! - quiet!).toBeLessThan(16);
    expect(untimed).toBeNull();
    expect(outside).toBeNull();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

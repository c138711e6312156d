import { encodeWav, parseWav, splitOnSilence, trimLeadingSilence, trimTrailingSilence } from './wav';

const RATE = 1000;

/** Mono PCM from (amplitude, seconds) runs. */
function pcm(...runs: Array<[number, number]>): Buffer {
  const samples = runs.flatMap(([amp, sec]) =>
    Array.from({ length: Math.round(sec * RATE) }, (_, i) => (i % 2 ? amp : -amp)),
  );
  const buf = Buffer.alloc(samples.length * 2);
  samples.forEach((s, i) => {
    buf.writeInt16LE(s, i * 2);
  });
  return buf;
}

describe('wav helpers', () => {
  it('round-trips PCM through a WAV header and tolerates streaming sizes', () => {
    const data = pcm([1000, 0.5]);
    const wav = encodeWav(data, RATE);
    expect(parseWav(wav)).toMatchObject({ sampleRate: RATE, channels: 1, bitsPerSample: 16, pcm: data });
    wav.writeUInt32LE(0x7ffff000, 40); // espeak-ng --stdout cannot seek back to fill in sizes
    expect(parseWav(wav).pcm).toEqual(data);
    expect(() => parseWav(Buffer.from('not a wav file'))).toThrow('not a RIFF/WAVE file');
  });

  it('trims silence, keeping a short margin', () => {
    const data = pcm([0, 0.3], [1000, 0.5], [0, 0.4]);
    expect(trimTrailingSilence(data, RATE, { keepSec: 0.02 }).length / 2).toBe(300 + 500 + 20);
    expect(trimLeadingSilence(data, RATE, { keepSec: 0.01 }).length / 2).toBe(10 + 500 + 400);
  });

  it('cuts at long silences only', () => {
    const data = pcm(
      [1000, 0.5],
      [0, 0.3],
      [1000, 0.5],
      [0, 1.5],
      [1000, 0.4],
      [0, 1.2],
      [1000, 0.2],
      [0, 2],
    );
    const pieces = splitOnSilence(data, RATE, { minSilenceSec: 1 });
    expect(pieces.map((p) => p.length / 2)).toEqual([
      500 + 300 + 500 + 750,
      750 + 400 + 600,
      600 + 200 + 2000,
    ]);
    expect(Buffer.concat(pieces)).toEqual(data);
  });
});

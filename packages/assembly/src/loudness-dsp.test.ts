import { dspThreads } from './dsp-thread';
import { runEbur128 } from './loudness';
import { createLoudnessDsp } from './loudness-dsp';

const dsp = createLoudnessDsp();
const db = (linear: number) => 20 * Math.log10(linear);

function sine(sampleRate: number, seconds: number, hz: number, dbfs: number, phase = 0): Float32Array {
  const amplitude = 10 ** (dbfs / 20);
  return Float32Array.from(
    { length: Math.round(sampleRate * seconds) },
    (_, n) => Math.sin((2 * Math.PI * hz * n) / sampleRate + phase) * amplitude,
  );
}

const concat = (...parts: Float32Array[]) => {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};

const toPcm16 = (samples: Float32Array) => Int16Array.from(samples, (v) => Math.round(v * 32767));
const toFloat = (pcm: Int16Array) => Float32Array.from(pcm, (v) => v / 32768);

/** Speech-like test material: bursts of harmonics with a syllable-rate envelope and pauses. */
function speechLike(sampleRate: number, seconds: number): Float32Array {
  let seed = 7;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  const out = new Float32Array(Math.round(sampleRate * seconds));
  let pitch = 120;
  for (let n = 0; n < out.length; n++) {
    const t = n / sampleRate;
    if (n % Math.round(sampleRate * 0.25) === 0) pitch = 100 + random() * 150;
    const syllable = Math.max(0, Math.sin(2 * Math.PI * 4 * t)) ** 2;
    const phrase = t % 3 < 2.4 ? 1 : 0; // 0.6 s pauses
    let v = 0;
    for (let h = 1; h <= 8; h++) v += Math.sin(2 * Math.PI * pitch * h * t) / h;
    out[n] = 0.3 * v * syllable * phrase + (random() - 0.5) * 0.02 * phrase;
  }
  return out;
}

describe('BS.1770-4 integrated loudness', () => {
  it.each([48000, 44100, 22050])('reads a 1 kHz sine at -20 dBFS as -23.01 LUFS at %i Hz', (rate) => {
    expect(dsp.integratedLoudness(sine(rate, 5, 1000, -20), rate)).toBeCloseTo(-23.01, 1);
  });

  it('gates out silence (absolute gate) and passages 10 LU under the rest (relative gate)', () => {
    const rate = 22050;
    const tone = sine(rate, 10, 1000, -20);
    const silence = new Float32Array(rate * 10);
    expect(dsp.integratedLoudness(concat(tone, silence), rate)).toBeCloseTo(-23.01, 1);
    // Ungated, the quiet half would pull the mean down by ~3 LU; gated, only the blocks
    // straddling the change count besides the loud half.
    const withQuiet = dsp.integratedLoudness(concat(tone, sine(rate, 10, 1000, -40)), rate);
    expect(withQuiet).toBeGreaterThan(-23.2);
    expect(withQuiet).toBeLessThan(-23.0);
    expect(dsp.integratedLoudness(silence, rate)).toBe(Number.NEGATIVE_INFINITY);
  });

  it('agrees with ffmpeg ebur128 on speech-like material', async () => {
    const rate = 22050;
    const pcm = toPcm16(speechLike(rate, 20));
    const ffmpeg = await runEbur128(['-f', 's16le', '-ar', String(rate), '-ac', '1', '-i', 'pipe:0'], {
      input: Buffer.from(pcm.buffer),
    });
    const samples = toFloat(pcm);
    // ffmpeg prints one decimal and measures after resampling to 48 kHz.
    expect(Math.abs(dsp.integratedLoudness(samples, rate) - ffmpeg.integratedLufs)).toBeLessThan(0.15);
    expect(Math.abs(db(dsp.truePeak(samples)) - ffmpeg.truePeakDb)).toBeLessThan(0.15);
  });
});

describe('true peak', () => {
  it('finds the peak between samples that a sample-peak meter misses by 3 dB', () => {
    // A quarter-rate sine sampled 45° off its crests: every sample is at 0.707 of the peak.
    const samples = sine(22050, 1, 22050 / 4, -6, Math.PI / 4);
    expect(db(Math.max(...samples.map(Math.abs)))).toBeCloseTo(-9.01, 1);
    // The interpolator reads this worst case (a quarter-rate tone) ~0.1 dB high, never low.
    expect(db(dsp.truePeak(samples))).toBeGreaterThanOrEqual(-6);
    expect(db(dsp.truePeak(samples))).toBeLessThan(-5.85);
  });
});

describe('normalizePcm16 (gain + true-peak limiter)', () => {
  const rate = 22050;

  it('reaches the target loudness with true peaks never over the ceiling', () => {
    const input = toPcm16(speechLike(rate, 12));
    for (const target of [-16, -12]) {
      const result = dsp.normalizePcm16(input, rate, { targetLufs: target, ceilingDb: -1.5 });
      // Measured afresh on the 16-bit output, and as the result reports it.
      const output = toFloat(result.pcm);
      const lufs = dsp.integratedLoudness(output, rate);
      expect(Math.abs(lufs - target)).toBeLessThanOrEqual(0.1);
      expect(result.integratedLufs).toBeCloseTo(lufs, 2);
      // 16-bit rounding may add up to half a step.
      expect(dsp.truePeak(output)).toBeLessThanOrEqual(10 ** (-1.5 / 20) + 0.5 / 32768);
      expect(result.truePeakDb).toBeCloseTo(db(dsp.truePeak(output)), 2);
    }
  });

  it('holds the ceiling on material driven far past it (square-ish bursts, inter-sample overs)', () => {
    const loud = sine(rate, 5, 5512.5, -1, Math.PI / 4).map((v) => Math.max(-0.5, Math.min(0.5, v * 3)));
    const input = toPcm16(concat(loud, sine(rate, 5, 300, -30), loud));
    const result = dsp.normalizePcm16(input, rate, { targetLufs: -5, ceilingDb: -3 });
    expect(dsp.truePeak(toFloat(result.pcm))).toBeLessThanOrEqual(10 ** (-3 / 20) + 0.5 / 32768);
  });

  it('leaves silence as it is', () => {
    const silence = new Int16Array(rate * 2);
    const result = dsp.normalizePcm16(silence, rate, { targetLufs: -16, ceilingDb: -1.5 });
    expect(result.gainDb).toBe(0);
    expect(result.pcm.every((v) => v === 0)).toBe(true);
  });
});

describe('dspThreads', () => {
  const rate = 22050;
  const input = toPcm16(speechLike(rate, 10));
  const buffer = Buffer.from(input.buffer);
  const options = { targetLufs: -16, ceilingDb: -1.5 };
  const collect = async (chunks: AsyncIterable<Buffer>) => {
    const parts: Buffer[] = [];
    for await (const chunk of chunks) parts.push(chunk);
    return Buffer.concat(parts);
  };

  it('streams the same DSP from a worker thread, then measures its output', async () => {
    const inProcess = dsp.normalizePcm16(input, rate, options);
    const threaded = dspThreads.normalize(buffer, rate, options);
    expect(await threaded.chosen).toBe(inProcess.gainDb);
    expect((await collect(threaded.output)).equals(Buffer.from(inProcess.pcm.buffer))).toBe(true);
    const { pcm: _pcm, ...measured } = inProcess;
    expect(await threaded.result).toEqual(measured);
  });

  it('fails every part with the abort reason, and works again afterwards', async () => {
    const controller = new AbortController();
    const pending = dspThreads.normalize(buffer, rate, options, controller.signal);
    controller.abort(new Error('job cancelled'));
    await expect(pending.result).rejects.toThrow('job cancelled');
    await expect(pending.chosen).rejects.toThrow('job cancelled');
    await expect(collect(pending.output)).rejects.toThrow('job cancelled');
    const again = dspThreads.normalize(buffer, rate, options);
    expect((await collect(again.output)).length).toBe(buffer.length);
  });
});

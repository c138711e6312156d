import { ProviderError } from '../types';
import { createEspeakEngine, type EspeakEngine } from './espeak-engine';
import { parseWav } from './wav';

/** Median fundamental frequency by autocorrelation over voiced 40 ms frames. */
function medianPitchHz(pcm: Buffer, sampleRate: number): number {
  const samples = new Float64Array(pcm.length / 2);
  for (let i = 0; i < samples.length; i++) samples[i] = pcm.readInt16LE(i * 2) / 32768;
  const frame = Math.round(sampleRate * 0.04);
  const minLag = Math.floor(sampleRate / 400);
  const maxLag = Math.ceil(sampleRate / 60);
  const pitches: number[] = [];
  for (let start = 0; start + frame + maxLag < samples.length; start += frame) {
    let energy = 0;
    for (let i = 0; i < frame; i++) energy += samples[start + i]! ** 2;
    if (energy / frame < 1e-3) continue; // unvoiced or silent
    let bestLag = 0;
    let best = 0;
    for (let lag = minLag; lag <= maxLag; lag++) {
      let sum = 0;
      let norm = 0;
      for (let i = 0; i < frame; i++) {
        sum += samples[start + i]! * samples[start + i + lag]!;
        norm += samples[start + i + lag]! ** 2;
      }
      const r = sum / Math.sqrt(energy * norm || 1);
      if (r > best) {
        best = r;
        bestLag = lag;
      }
    }
    if (best > 0.6) pitches.push(sampleRate / bestLag);
  }
  pitches.sort((a, b) => a - b);
  return pitches[Math.floor(pitches.length / 2)] ?? 0;
}

describe('espeak engine (WASM in worker threads)', () => {
  let engine: EspeakEngine;

  beforeAll(() => {
    engine = createEspeakEngine({ backend: 'wasm', threads: 2 });
  });
  afterAll(() => engine.close());

  it('voices two hosts with clearly different voices as 22 050 Hz mono 16-bit WAV', async () => {
    const text = 'Welcome back to the show. Today we look at a new bill about rural broadband.';
    const [first, second] = engine.voicesFor([{ name: 'Maya' }, { name: 'Theo' }]);
    expect(first).not.toEqual(second);
    const [a, b] = await Promise.all([
      engine.synthesize({ text, voice: first! }),
      engine.synthesize({ text, voice: second! }),
    ]);
    for (const clip of [a, b]) {
      expect(clip.format).toBe('wav');
      expect(clip.characters).toBe(text.length);
      const wav = parseWav(clip.audio);
      expect(wav).toMatchObject({ sampleRate: 22050, channels: 1, bitsPerSample: 16 });
      expect(clip.durationSec).toBeCloseTo(wav.pcm.length / 2 / 22050, 6);
      expect(clip.durationSec).toBeGreaterThan(2);
      // Trailing silence trimmed: the last 50 ms are not all silent.
      const tail = wav.pcm.subarray(wav.pcm.length - Math.round(0.05 * 22050) * 2);
      let peak = 0;
      for (let i = 0; i < tail.length; i += 2) peak = Math.max(peak, Math.abs(tail.readInt16LE(i)));
      expect(peak).toBeGreaterThan(64);
    }
    const pitchA = medianPitchHz(parseWav(a.audio).pcm, 22050);
    const pitchB = medianPitchHz(parseWav(b.audio).pcm, 22050);
    expect(pitchA).toBeGreaterThan(60);
    expect(pitchB / pitchA).toBeGreaterThan(1.6);
  });

  it('gives up to four hosts distinct voices and honours an explicit one', () => {
    const voices = engine.voicesFor([{ name: 'A' }, { name: 'B', voice: 'en-us@35' }, { name: 'C' }, { name: 'D' }]);
    expect(new Set(voices).size).toBe(4);
    expect(voices[1]).toBe('en-us@35');
  });

  it('rejects an unknown voice as a non-retryable TTS_FAILED', async () => {
    const bad = engine.synthesize({ text: 'Hello.', voice: 'zz-qq@40' });
    await expect(bad).rejects.toBeInstanceOf(ProviderError);
    await expect(bad).rejects.toMatchObject({ code: 'TTS_FAILED', retryable: false });
    await expect(engine.synthesize({ text: 'Hello.', voice: '--help' })).rejects.toMatchObject({ retryable: false });
  });

  it('stops on an aborted signal', async () => {
    const controller = new AbortController();
    const pending = engine.synthesize({ text: 'This line is cancelled.', voice: 'en-us@35', signal: controller.signal });
    controller.abort(new Error('cancelled by user'));
    await expect(pending).rejects.toThrow('cancelled by user');
  });
});

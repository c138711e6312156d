import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ProviderError, unknownVoices, unspokenLanguage, voiceLanguageMismatches } from '@podfleet/providers';
import { makeTempDir } from '@podfleet/test-kit';
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
    // The first host gets the higher voice; the two are far apart.
    expect(pitchB).toBeGreaterThan(60);
    expect(pitchA / pitchB).toBeGreaterThan(1.6);
  });

  it('voices a batch of lines in one call and cuts it back into one clip per line', async () => {
    const texts = [
      'Welcome back to the show.',
      'Today, we read a bill about broadband.',
      'That is all for now.',
    ];
    const [batch, singles] = await Promise.all([
      engine.synthesizeBatch({ texts, voice: 'en-us+f3@70' }),
      Promise.all(texts.map((text) => engine.synthesize({ text, voice: 'en-us+f3@70' }))),
    ]);
    expect(batch).toHaveLength(3);
    batch.forEach((clip, i) => {
      expect(clip.characters).toBe(texts[i]!.length);
      // Same speech as voicing the line alone, give or take prosody at the edges.
      expect(Math.abs(clip.durationSec - singles[i]!.durationSec) / singles[i]!.durationSec).toBeLessThan(
        0.1,
      );
    });
  });

  it('falls back to one call per line when a batch does not cut cleanly', async () => {
    // "." voices as silence, so the batch has one piece too few.
    const clips = await engine.synthesizeBatch({
      texts: ['Hello there.', '.', 'Goodbye now.'],
      voice: 'en-us@35',
    });
    expect(clips).toHaveLength(3);
    expect(clips[0]!.durationSec).toBeGreaterThan(0.5);
    expect(clips[1]!.durationSec).toBeLessThan(0.1);
    expect(clips[2]!.durationSec).toBeGreaterThan(0.5);
  });

  it('gives up to four hosts distinct voices and honours an explicit one', () => {
    const voices = engine.voicesFor([
      { name: 'A' },
      { name: 'B', voice: 'en-us@35' },
      { name: 'C' },
      { name: 'D' },
    ]);
    expect(new Set(voices).size).toBe(4);
    expect(voices[1]).toBe('en-us@35');
  });

  it('rejects an unknown voice as a non-retryable TTS_FAILED', async () => {
    const bad = engine.synthesize({ text: 'Hello.', voice: 'zz-qq@40' });
    await expect(bad).rejects.toBeInstanceOf(ProviderError);
    await expect(bad).rejects.toMatchObject({ code: 'TTS_FAILED', retryable: false });
    await expect(engine.synthesize({ text: 'Hello.', voice: '--help' })).rejects.toMatchObject({
      retryable: false,
    });
  });

  it('stops on an aborted signal', async () => {
    const controller = new AbortController();
    const pending = engine.synthesize({
      text: 'This line is cancelled.',
      voice: 'en-us@35',
      signal: controller.signal,
    });
    controller.abort(new Error('cancelled by user'));
    await expect(pending).rejects.toThrow('cancelled by user');
  });
});

describe('espeak engine set-up', () => {
  it('voices a word on every thread, so an engine that cannot run fails there, not on a job', async () => {
    const wasm = createEspeakEngine({ backend: 'wasm', threads: 2 });
    try {
      await wasm.setUp();
      expect(await wasm.backend()).toBe('wasm');
      const clip = await wasm.synthesize({ text: 'Ready to go.', voice: 'en-us@35' });
      expect(clip.durationSec).toBeGreaterThan(0.3);
    } finally {
      await wasm.close();
    }
    const missing = createEspeakEngine({ backend: 'native', nativeBinary: '/nonexistent/espeak-ng' });
    await expect(missing.setUp()).rejects.toMatchObject({ code: 'TTS_FAILED' });
    await missing.close();
  });
});

describe('espeak engine backend', () => {
  it('uses native espeak-ng by itself when the binary runs, WASM when it does not', async () => {
    const dir = await makeTempDir('pf-espeak-bin-');
    try {
      // Stands in for Debian's binary: answers --version as espeak-ng 1.51 does.
      const binary = join(dir.dir, 'espeak-ng');
      await writeFile(
        binary,
        '#!/bin/sh\necho "eSpeak NG text-to-speech: 1.51  Data at: /usr/lib/x86_64-linux-gnu/espeak-ng-data"\n',
      );
      await chmod(binary, 0o755);
      const native = createEspeakEngine({ nativeBinary: binary });
      const missing = createEspeakEngine({ nativeBinary: join(dir.dir, 'absent') });
      expect([await native.backend(), await missing.backend()]).toEqual(['native', 'wasm']);
      await Promise.all([native.close(), missing.close()]);
    } finally {
      await dir.remove();
    }
  });
});

describe('espeak engine voices', () => {
  it('lists the presets and every language espeak-ng has, and accepts a language with a variant and a pitch', async () => {
    const engine = createEspeakEngine({ backend: 'wasm', threads: 1 });
    try {
      const list = await engine.listVoices();
      expect(list.engine).toBe('espeak');
      expect(list.defaults).toEqual(
        engine.voicesFor([{ name: 'A' }, { name: 'B' }, { name: 'C' }, { name: 'D' }]),
      );
      expect(list.voices.slice(0, 4).map((v) => v.id)).toEqual(list.defaults);
      expect(list.languages.length).toBeGreaterThan(100);
      expect(list.languages).toEqual(expect.arrayContaining(['de', 'en-us', 'fr-fr', 'ja']));
      expect(list.voices.find((v) => v.id === 'de')).toEqual({ id: 'de', name: 'German', languages: ['de'] });
      const hosts = [
        { voice: 'de+m3@40' },
        { voice: 'en-us+f3@70' },
        { voice: 'fr-fr' },
        { voice: 'xx-nope' },
        {},
      ];
      expect(unknownVoices(list, hosts)).toEqual([{ index: 3, voice: 'xx-nope' }]);
      // An accepted id voices, as the pattern promises.
      const clip = await engine.synthesize({ text: 'Guten Tag.', voice: 'de+m3@40' });
      expect(clip.durationSec).toBeGreaterThan(0.3);
    } finally {
      await engine.close();
    }
  });

  it('gives hosts without a voice voices of style.language, which speak it; checks languages and voices against it', async () => {
    const engine = createEspeakEngine({ backend: 'wasm', threads: 1 });
    try {
      const hosts = [{ name: 'A' }, { name: 'B' }, { name: 'C' }];
      // Before the voice table is read: the primary language, which espeak-ng names most voices by.
      expect(engine.voicesFor(hosts.slice(0, 2), 'de')).toEqual(['de+f3@70', 'de@35']);
      const list = await engine.listVoices();
      expect(engine.voicesFor([...hosts, { name: 'D', voice: 'de+m1@20' }], 'fr')).toEqual([
        'fr-fr+f3@70',
        'fr-fr@35',
        'fr-fr+f4@85',
        'de+m1@20',
      ]);
      expect(engine.voicesFor(hosts.slice(0, 1), 'pt-BR')).toEqual(['pt-br+f3@70']);
      expect(engine.voicesFor(hosts.slice(0, 1), 'zh')).toEqual(['cmn+f3@70']);
      expect(engine.voicesFor(hosts.slice(0, 2), 'en-GB')).toEqual(['en-us+f3@70', 'en-us@35']);
      expect(engine.voicesFor(hosts, 'de')[2]).toBe('de+f4@85');

      const [german] = engine.voicesFor(hosts.slice(0, 1), 'de');
      const clip = await engine.synthesize({ text: 'Guten Tag und willkommen zur Sendung.', voice: german! });
      expect(clip.durationSec).toBeGreaterThan(1);

      expect(list.languagesByVoice).toBe(true);
      expect(unspokenLanguage(list, 'de-AT')).toBeNull();
      expect(unspokenLanguage(list, 'zh-CN')).toBeNull();
      expect(unspokenLanguage(list, 'xx')).toMatch(
        /^the espeak engine does not speak "xx"; it speaks: af, am, an, /,
      );
      expect(
        voiceLanguageMismatches(
          list,
          [{ voice: 'en-us@35' }, { voice: 'de+m3@40' }, { voice: 'de' }, {}],
          'de',
        ),
      ).toEqual([{ index: 0, voice: 'en-us@35', languages: ['en-us'] }]);
    } finally {
      await engine.close();
    }
  });
});

import { readFile } from 'node:fs/promises';
import { ProviderError, type ScriptLine } from '@podfleet/providers';
import { makeTempDir } from '@podfleet/test-kit';
import {
  type ClipCache,
  createClipCache,
  createEspeakEngine,
  type EspeakEngine,
  parseWav,
  type TtsEngine,
} from '@podfleet/tts';
import { type VoiceProgress, VoicingCancelledError, voiceScript } from './voice-script';

const hosts = [{ name: 'Maya' }, { name: 'Theo' }];
const lines: ScriptLine[] = [
  { speaker: 'Maya', text: 'Welcome to the show.', chapter: 0 },
  { speaker: 'Theo', text: 'Today we read a short bill.', chapter: 0 },
  { speaker: 'Maya', text: 'It funds rural broadband.', chapter: 1 },
  { speaker: 'theo', text: 'And that is all for today.', chapter: 1 },
];

/** Counts engine calls (the real espeak engine does the work). */
function counting(engine: EspeakEngine) {
  const calls = { single: 0, batch: 0 };
  const wrapped: TtsEngine = {
    name: engine.name,
    voicesFor: (h, language) => engine.voicesFor(h, language),
    synthesize: (req) => {
      calls.single++;
      return engine.synthesize(req);
    },
    synthesizeBatch: (req) => {
      calls.batch++;
      return engine.synthesizeBatch(req);
    },
    close: () => Promise.resolve(),
  };
  return { engine: wrapped, calls };
}

describe('voiceScript', () => {
  let espeak: EspeakEngine;
  let tmp: { dir: string; remove(): Promise<void> };
  let cache: ClipCache;

  beforeAll(async () => {
    espeak = createEspeakEngine({ backend: 'wasm', threads: 2 });
    tmp = await makeTempDir();
  });
  beforeEach(() => {
    cache = createClipCache(`${tmp.dir}/${expect.getState().currentTestName?.replace(/\W+/g, '-')}`);
  });
  afterAll(async () => {
    await espeak.close();
    await tmp.remove();
  });

  it('gives hosts without a voice the script language’s voices, and passes the language on to each call', async () => {
    const seen: Array<string | undefined> = [];
    const engine: TtsEngine = {
      name: espeak.name,
      voicesFor: (h, language) => espeak.voicesFor(h, language),
      synthesize: (req) => {
        seen.push(req.language);
        return espeak.synthesize(req);
      },
      close: () => Promise.resolve(),
    };
    const german: ScriptLine[] = [
      { speaker: 'Maya', text: 'Willkommen zur Sendung.', chapter: 0 },
      { speaker: 'Theo', text: 'Heute lesen wir ein kurzes Gesetz.', chapter: 0 },
    ];
    const clips = await voiceScript({ engine, lines: german, hosts, language: 'de', cache });
    expect(clips.map((c) => c.voice)).toEqual(['de+f3@70', 'de@35']);
    expect(seen).toEqual(['de', 'de']);
    expect(clips.every((c) => c.durationSec > 1)).toBe(true);
  });

  it('voices every line in order with one voice per host, batched per voice, then serves re-runs from the cache', async () => {
    const { engine, calls } = counting(espeak);
    const progress: VoiceProgress[] = [];
    const clips = await voiceScript({
      engine,
      lines,
      hosts,
      cache,
      concurrency: 2,
      onProgress: (p) => void progress.push(p),
    });

    expect(clips.map((c) => c.text)).toEqual(lines.map((l) => l.text));
    expect(clips[0]!.voice).toBe(clips[2]!.voice);
    expect(clips[1]!.voice).toBe(clips[3]!.voice); // speaker names match case-insensitively
    expect(clips[0]!.voice).not.toBe(clips[1]!.voice);
    expect(calls).toEqual({ single: 0, batch: 2 }); // one call per voice, both threads busy
    for (const [i, clip] of clips.entries()) {
      expect(clip).toMatchObject({ format: 'wav', cached: false, characters: lines[i]!.text.length });
      const wav = parseWav(await readFile(clip.file));
      expect(clip.durationSec).toBeCloseTo(wav.pcm.length / 2 / wav.sampleRate, 6);
      expect(clip.durationSec).toBeGreaterThan(0.8);
    }
    expect(progress.at(-1)).toMatchObject({ done: 4, total: 4 });
    expect(progress.flatMap((p) => p.indexes).sort()).toEqual([0, 1, 2, 3]);

    const again = counting(espeak);
    const rerun = await voiceScript({ engine: again.engine, lines, hosts, cache });
    expect(again.calls).toEqual({ single: 0, batch: 0 });
    expect(rerun.every((c) => c.cached && c.characters === 0)).toBe(true);
    expect(rerun.map((c) => c.file)).toEqual(clips.map((c) => c.file));
  });

  it('voices line by line for engines that cannot batch', async () => {
    const { engine, calls } = counting(espeak);
    const single: TtsEngine = { ...engine, synthesizeBatch: undefined };
    const clips = await voiceScript({ engine: single, lines: lines.slice(0, 3), hosts, cache });
    expect(calls.single).toBe(3);
    expect(clips).toHaveLength(3);
  });

  it('stops before calling the engine when the job is cancelled', async () => {
    const { engine, calls } = counting(espeak);
    await expect(
      voiceScript({ engine, lines, hosts, cache, isCancelled: () => true }),
    ).rejects.toBeInstanceOf(VoicingCancelledError);
    const controller = new AbortController();
    controller.abort(new Error('job cancelled'));
    await expect(voiceScript({ engine, lines, hosts, cache, signal: controller.signal })).rejects.toThrow(
      'job cancelled',
    );
    expect(calls).toEqual({ single: 0, batch: 0 });
  });

  it('rejects a line whose speaker is not a host', async () => {
    const bad = [{ speaker: 'Zed', text: 'Hi.', chapter: 0 }];
    await expect(voiceScript({ engine: espeak, lines: bad, hosts, cache })).rejects.toMatchObject({
      code: 'SCRIPT_INVALID',
      retryable: false,
    });
    await expect(voiceScript({ engine: espeak, lines: bad, hosts, cache })).rejects.toBeInstanceOf(
      ProviderError,
    );
  });
});

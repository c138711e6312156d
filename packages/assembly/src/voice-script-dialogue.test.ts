import { readFile } from 'node:fs/promises';
import type { ScriptLine } from '@podfleet/providers';
import { type FakeElevenLabs, startFakeElevenLabs } from '@podfleet/providers/testing';
import { makeTempDir } from '@podfleet/test-kit';
import { createClipCache, createElevenLabsEngine, parseWav } from '@podfleet/tts';
import { voiceScript } from './voice-script';

const hosts = [{ name: 'Maya' }, { name: 'Theo' }];
const lines: ScriptLine[] = [
  { speaker: 'Maya', text: 'Welcome to the harbor show.', chapter: 0 },
  { speaker: 'Theo', text: 'The ferries are back this week.', chapter: 0 },
  { speaker: 'Maya', text: 'Four crossings a day.', chapter: 0 },
  { speaker: 'Theo', text: 'And the piers are concrete now.', chapter: 0 },
  { speaker: 'Maya', text: 'That is all for today.', chapter: 0 },
];

describe('voiceScript with a dialogue engine (ElevenLabs fake)', () => {
  let fake: FakeElevenLabs;
  let tmp: { dir: string; remove(): Promise<void> };

  beforeEach(async () => {
    fake = await startFakeElevenLabs({ apiKey: 'k' });
    tmp = await makeTempDir();
  });
  afterEach(async () => {
    await fake.close();
    await tmp.remove();
  });

  const engine = (dialogueMaxChars: number) =>
    createElevenLabsEngine({
      apiKey: 'k',
      baseUrl: fake.url,
      mode: 'dialogue',
      dialogueMaxChars,
      maxAttempts: 1,
    });

  it('voices runs of consecutive lines within the character limit, one clip per line, then serves re-runs from the cache', async () => {
    const cache = createClipCache(tmp.dir);
    const tts = engine(60);
    const clips = await voiceScript({ engine: tts, lines, hosts, cache, concurrency: 2 });

    const runs = fake.dialogueRequests().map((r) => r.inputs.map((i) => i.text));
    expect(runs.flat().sort()).toEqual(lines.map((l) => l.text).sort());
    for (const run of runs) {
      expect(run.join('').length <= 60 || run.length === 1).toBe(true);
      const first = lines.findIndex((l) => l.text === run[0]);
      expect(run).toEqual(lines.slice(first, first + run.length).map((l) => l.text));
    }
    expect(runs.length).toBe(3); // 27+31 | 21+31 | 22 characters
    const voiceOf = new Map(
      fake.dialogueRequests().flatMap((r) => r.inputs.map((i) => [i.text, i.voice_id])),
    );
    expect(new Set(clips.map((c) => c.voice)).size).toBe(2);
    clips.forEach((clip, i) => {
      expect(clip).toMatchObject({ text: lines[i]!.text, format: 'wav', cached: false });
      expect(clip.voice).toBe(voiceOf.get(lines[i]!.text));
      expect(clip.characters).toBe(lines[i]!.text.length);
    });

    const again = await voiceScript({ engine: tts, lines, hosts, cache });
    expect(fake.dialogueRequests()).toHaveLength(3);
    expect(again.every((c) => c.cached)).toBe(true);
    // A speech-mode engine does not take dialogue clips from the cache (they sound different).
    const speech = createElevenLabsEngine({ apiKey: 'k', baseUrl: fake.url });
    expect(cache.keyFor(speech.cacheScope ?? speech.name, clips[0]!.voice, lines[0]!.text)).not.toBe(
      cache.keyFor(tts.cacheScope!, clips[0]!.voice, lines[0]!.text),
    );
  });

  it('voices only uncached lines and starts a new run past ten voices', async () => {
    const many = Array.from({ length: 12 }, (_, i) => ({ name: `Host${i}`, voice: `voice-${i}` }));
    const script: ScriptLine[] = many.map((h, i) => ({ speaker: h.name, text: `Line ${i}.`, chapter: 0 }));
    const cache = createClipCache(tmp.dir);
    const tts = engine(2_000);
    await voiceScript({ engine: tts, lines: script.slice(0, 1), hosts: many, cache });
    const clips = await voiceScript({ engine: tts, lines: script, hosts: many, cache });

    const runs = fake.dialogueRequests().map((r) => r.inputs.map((i) => i.voice_id));
    expect(runs).toEqual([['voice-0'], many.slice(1, 11).map((h) => h.voice), ['voice-11']]);
    expect(clips.map((c) => c.cached)).toEqual(script.map((_, i) => i === 0));
    expect(parseWav(await readFile(clips[5]!.file)).sampleRate).toBe(24_000);
  });
});

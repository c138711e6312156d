import { readFile } from 'node:fs/promises';
import { makeTempDir } from '@podfleet/test-kit';
import { createClipCache } from './clip-cache';

describe('clip cache', () => {
  it('stores a clip under sha256(engine, voice, text) and reads it back', async () => {
    const tmp = await makeTempDir();
    try {
      const cache = createClipCache(tmp.dir);
      const key = cache.keyFor('espeak', 'en-us@35', 'Hello there.');
      expect(key).toMatch(/^[0-9a-f]{64}$/);
      expect(cache.keyFor('espeak', 'en-us@35', 'Hello there.')).toBe(key);
      expect(cache.keyFor('espeak', 'en-us+f3@70', 'Hello there.')).not.toBe(key);
      expect(cache.keyFor('elevenlabs', 'en-us@35', 'Hello there.')).not.toBe(key);
      expect(await cache.get(key)).toBeNull();

      const audio = Buffer.from('RIFF-pretend-audio');
      const put = await cache.put(key, {
        audio,
        format: 'wav',
        sampleRate: 22050,
        durationSec: 1.25,
        characters: 12,
      });
      const got = await cache.get(key);
      expect(got).toEqual(put);
      expect(got).toMatchObject({ format: 'wav', sampleRate: 22050, durationSec: 1.25, characters: 12 });
      expect(await readFile(got!.file)).toEqual(audio);
      expect(got!.file.startsWith(tmp.dir)).toBe(true);
    } finally {
      await tmp.remove();
    }
  });

  it('refuses keys that are not sha256 hex (no path traversal)', async () => {
    const cache = createClipCache('/nonexistent');
    await expect(cache.get('../../etc/passwd')).rejects.toThrow('invalid clip cache key');
  });
});

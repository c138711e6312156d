import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { SynthesisResult } from './types';

const metaSchema = z.object({
  format: z.enum(['wav', 'mp3']),
  sampleRate: z.number().int().positive(),
  durationSec: z.number().min(0),
  characters: z.number().int().min(0),
});

export interface CachedClip extends z.infer<typeof metaSchema> {
  /** Absolute path of the audio file. */
  file: string;
}

/** Synthesised clips on local disk, so re-runs and retries do not synthesise (or pay for) a line twice. */
export interface ClipCache {
  readonly dir: string;
  /** sha256 over (engine, voice, text). */
  keyFor(engine: string, voice: string, text: string): string;
  get(key: string): Promise<CachedClip | null>;
  put(key: string, clip: SynthesisResult): Promise<CachedClip>;
}

async function writeAtomically(file: string, data: Buffer | string): Promise<void> {
  const tmp = `${file}.${randomUUID()}.tmp`;
  await writeFile(tmp, data);
  await rename(tmp, file); // concurrent writers of one key both succeed; readers never see half a file
}

export function createClipCache(dir: string): ClipCache {
  const paths = (key: string) => {
    if (!/^[0-9a-f]{64}$/.test(key)) throw new Error(`invalid clip cache key ${key}`);
    const sub = join(dir, key.slice(0, 2));
    return { sub, meta: join(sub, `${key}.json`), audio: (format: string) => join(sub, `${key}.${format}`) };
  };

  return {
    dir,
    keyFor(engine, voice, text) {
      return createHash('sha256')
        .update(JSON.stringify([engine, voice, text]))
        .digest('hex');
    },
    async get(key) {
      const p = paths(key);
      let meta: z.infer<typeof metaSchema>;
      try {
        meta = metaSchema.parse(JSON.parse(await readFile(p.meta, 'utf8')));
      } catch {
        return null; // missing or unreadable: synthesise again
      }
      const file = p.audio(meta.format);
      try {
        await stat(file);
      } catch {
        return null;
      }
      return { ...meta, file };
    },
    async put(key, clip) {
      const p = paths(key);
      const meta = {
        format: clip.format,
        sampleRate: clip.sampleRate,
        durationSec: clip.durationSec,
        characters: clip.characters,
      };
      const file = p.audio(clip.format);
      await mkdir(p.sub, { recursive: true });
      await writeAtomically(file, clip.audio);
      await writeAtomically(p.meta, JSON.stringify(meta)); // written last: its presence means complete
      return { ...meta, file };
    },
  };
}

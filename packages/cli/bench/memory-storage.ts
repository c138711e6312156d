// Instant storage for bench:orchestration: artifacts kept in memory with their sha256, so the
// fleet's own cost is measured apart from a storage provider's (a disk's fsyncs, S3's round
// trips), as TTS and the LLM are. Not a driver for anything else: nothing survives the process.
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { type StorageDriver, StorageKeyNotFoundError } from '@podfleet/providers';

export function memoryStorage(): StorageDriver {
  const objects = new Map<string, { body: Buffer; checksum: string; contentType: string }>();
  const read = (key: string) => {
    const object = objects.get(key);
    if (!object) throw new StorageKeyNotFoundError(key);
    return object.body;
  };
  const keys = (prefix: string) => [...objects.keys()].filter((k) => k.startsWith(prefix)).sort();
  return {
    kind: 'fs',
    async put(key, body, { contentType }) {
      const bytes = Buffer.isBuffer(body) ? body : Buffer.concat(await body.toArray());
      const checksum = createHash('sha256').update(bytes).digest('hex');
      objects.set(key, { body: bytes, checksum, contentType });
      return { key, sizeBytes: bytes.length, checksum };
    },
    get: async (key) => Readable.from([read(key)]),
    getRange: async (key, { start, end }) => Readable.from([read(key).subarray(start, end + 1)]),
    getBuffer: async (key) => read(key),
    async head(key) {
      const object = objects.get(key);
      return object
        ? { sizeBytes: object.body.length, contentType: object.contentType, checksum: object.checksum }
        : null;
    },
    copy: async (sourceKey, targetKey) => {
      const object = objects.get(sourceKey);
      if (!object) throw new StorageKeyNotFoundError(sourceKey);
      objects.set(targetKey, { ...object });
    },
    delete: async (key) => {
      objects.delete(key);
    },
    async deletePrefix(prefix) {
      const matching = keys(prefix);
      for (const key of matching) objects.delete(key);
      return matching.length;
    },
    list: async (prefix) => keys(prefix),
    signedUrl: async () => null,
    publicUrl: () => null,
    close: async () => {},
  };
}

import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream, type Dirent } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import { dirname, extname, join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { z } from 'zod';
import { ProviderError } from '../types';
import { StorageKeyNotFoundError, storageError } from './errors';
import { createSha256Meter, getWholeObject, sha256Hex, sha256OfStream } from './hashing';
import { assertValidKey, assertValidPrefix, assertValidRange } from './keys';
import type { ByteRange, CopyOptions, HeadResult, PutOptions, PutResult, StorageDriver } from './types';

export interface FsStorageOptions {
  /** Root directory; created on first write. */
  dir: string;
}

/**
 * Metadata kept beside each object in `<root>/.meta/<key>.json`. `ino`/`mtimeMs`/`sizeBytes` tie it to
 * one version of the data file: when another writer replaced the data (or a crash left the sidecar
 * stale or missing), `head` notices the mismatch and recomputes the sha256 from the bytes.
 */
const metaSchema = z.object({
  sha256: z.string(),
  sizeBytes: z.number(),
  contentType: z.string().optional(),
  ino: z.number(),
  mtimeMs: z.number(),
});
type Meta = z.infer<typeof metaSchema>;

const TRANSIENT_FS_CODES = new Set(['EMFILE', 'ENFILE', 'EAGAIN', 'EBUSY', 'EINTR']);
const CONTENT_TYPES: Record<string, string> = {
  '.mp3': 'audio/mpeg',
  '.json': 'application/json',
  '.vtt': 'text/vtt',
  '.srt': 'application/x-subrip',
  '.txt': 'text/plain; charset=utf-8',
  '.xml': 'application/xml',
  '.wav': 'audio/wav',
};

function errnoCode(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : undefined;
}

function wrap(err: unknown, what: string): ProviderError {
  if (err instanceof ProviderError) return err;
  const code = errnoCode(err);
  return storageError(
    `fs storage: ${what} failed${code ? ` (${code})` : ''}`,
    TRANSIENT_FS_CODES.has(code ?? ''),
    err,
  );
}

type WrittenFile = Omit<Meta, 'contentType'>;

/**
 * A body already in memory: written, fsynced and stat'ed through one file handle, hashed at once
 * (a stream pipeline costs several times the CPU for the small JSON artifacts every job writes).
 * Inode and mtime identify this version: rename keeps them.
 */
async function writeBuffer(path: string, body: Buffer): Promise<WrittenFile> {
  const handle = await open(path, 'wx');
  try {
    await handle.writeFile(body);
    await handle.sync();
    const { ino, mtimeMs } = await handle.stat();
    return { sha256: sha256Hex(body), sizeBytes: body.length, ino, mtimeMs };
  } finally {
    await handle.close();
  }
}

/** A streamed body: hashed as it flows to disk, then fsynced. */
async function writeStream(path: string, body: Readable): Promise<WrittenFile> {
  const meter = createSha256Meter();
  await pipeline(body, meter.stream, createWriteStream(path, { flags: 'wx' }));
  const handle = await open(path, 'r+');
  try {
    await handle.sync();
    const { ino, mtimeMs } = await handle.stat();
    return { sha256: meter.digest(), sizeBytes: meter.sizeBytes(), ino, mtimeMs };
  } finally {
    await handle.close();
  }
}

/**
 * Local-filesystem storage. Writes go to `<root>/.tmp/<uuid>`, are fsynced, then renamed into place, so
 * a reader sees the old object or the new one, never a partial file. The sha256 is computed while the
 * body streams in and stored in a sidecar (see `metaSchema`).
 */
export class FsStorageDriver implements StorageDriver {
  readonly kind = 'fs' as const;
  private readonly root: string;

  constructor(options: FsStorageOptions) {
    this.root = resolve(options.dir);
  }

  localPath(key: string): string {
    assertValidKey(key);
    return join(this.root, ...key.split('/'));
  }

  private metaPath(key: string): string {
    return `${join(this.root, '.meta', ...key.split('/'))}.json`;
  }

  async put(key: string, body: Buffer | Readable, options: PutOptions): Promise<PutResult> {
    const target = this.localPath(key);
    const tmpDir = join(this.root, '.tmp');
    const tmp = join(tmpDir, randomUUID());
    try {
      await mkdir(tmpDir, { recursive: true });
      const written = Buffer.isBuffer(body) ? await writeBuffer(tmp, body) : await writeStream(tmp, body);
      await this.renameIntoPlace(tmp, target);
      const meta: Meta = { ...written, contentType: options.contentType };
      await this.writeMeta(key, meta);
      return { key, sizeBytes: meta.sizeBytes, checksum: meta.sha256 };
    } catch (err) {
      await rm(tmp, { force: true });
      throw wrap(err, `put ${key}`);
    }
  }

  /**
   * A concurrent delete may prune the parent directories between mkdir and rename, or during the
   * recursive mkdir itself (it then fails with ENOENT): retry both a few times.
   */
  private async renameIntoPlace(tmp: string, target: string): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await mkdir(dirname(target), { recursive: true });
        await rename(tmp, target);
        return;
      } catch (err) {
        if (errnoCode(err) !== 'ENOENT' || attempt >= 5) throw err;
      }
    }
  }

  private async writeMeta(key: string, meta: Meta): Promise<void> {
    const path = this.metaPath(key);
    const tmp = join(this.root, '.tmp', `${randomUUID()}.json`);
    await writeFile(tmp, JSON.stringify(meta));
    await this.renameIntoPlace(tmp, path);
  }

  async get(key: string): Promise<Readable> {
    const path = this.localPath(key);
    try {
      const handle = await open(path, 'r');
      return handle.createReadStream();
    } catch (err) {
      if (errnoCode(err) === 'ENOENT' || errnoCode(err) === 'EISDIR') throw new StorageKeyNotFoundError(key);
      throw wrap(err, `get ${key}`);
    }
  }

  async getRange(key: string, range: ByteRange): Promise<Readable> {
    const path = this.localPath(key);
    try {
      const handle = await open(path, 'r');
      try {
        const { size } = await handle.stat();
        assertValidRange(range, size, key);
      } catch (err) {
        await handle.close();
        throw err;
      }
      return handle.createReadStream({ start: range.start, end: range.end });
    } catch (err) {
      if (errnoCode(err) === 'ENOENT' || errnoCode(err) === 'EISDIR') throw new StorageKeyNotFoundError(key);
      throw wrap(err, `getRange ${key}`);
    }
  }

  getBuffer(key: string): Promise<Buffer> {
    return getWholeObject((k) => this.get(k), key, wrap);
  }

  async head(key: string): Promise<HeadResult | null> {
    const path = this.localPath(key);
    try {
      const st = await stat(path);
      if (!st.isFile()) return null;
      const meta = await this.readMeta(key);
      if (meta && meta.ino === st.ino && meta.mtimeMs === st.mtimeMs && meta.sizeBytes === st.size) {
        return { sizeBytes: st.size, contentType: meta.contentType, checksum: meta.sha256 };
      }
      // Stale or missing sidecar: recompute from the bytes and repair it.
      const { sha256, sizeBytes } = await sha256OfStream(createReadStream(path));
      const contentType = CONTENT_TYPES[extname(key).toLowerCase()];
      const repaired: Meta = { sha256, sizeBytes, ino: st.ino, mtimeMs: st.mtimeMs };
      if (contentType) repaired.contentType = contentType;
      await this.writeMeta(key, repaired).catch(() => undefined); // best effort: head stays read-only in spirit
      return { sizeBytes: repaired.sizeBytes, contentType, checksum: repaired.sha256 };
    } catch (err) {
      if (errnoCode(err) === 'ENOENT' || errnoCode(err) === 'ENOTDIR') return null;
      throw wrap(err, `head ${key}`);
    }
  }

  private async readMeta(key: string): Promise<Meta | null> {
    try {
      return metaSchema.parse(JSON.parse(await readFile(this.metaPath(key), 'utf8')));
    } catch {
      return null;
    }
  }

  /** A streamed put of the source's bytes: the target appears whole or not at all. */
  async copy(sourceKey: string, targetKey: string, _options?: CopyOptions): Promise<void> {
    assertValidKey(targetKey);
    const head = await this.head(sourceKey);
    if (!head) throw new StorageKeyNotFoundError(sourceKey);
    await this.put(targetKey, await this.get(sourceKey), {
      contentType: head.contentType ?? 'application/octet-stream',
    });
  }

  async delete(key: string): Promise<void> {
    const path = this.localPath(key);
    try {
      await rm(path, { force: true });
      await rm(this.metaPath(key), { force: true });
      await this.pruneEmptyDirs(dirname(path));
      await this.pruneEmptyDirs(dirname(this.metaPath(key)));
    } catch (err) {
      throw wrap(err, `delete ${key}`);
    }
  }

  /** Removes now-empty parent directories up to (not including) the root, so deleted jobs leave no trees. */
  private async pruneEmptyDirs(dir: string): Promise<void> {
    for (
      let current = dir;
      current.startsWith(this.root) && current !== this.root;
      current = dirname(current)
    ) {
      try {
        await rmdir(current);
      } catch {
        return; // not empty, already gone, or busy: stop pruning
      }
    }
  }

  async deletePrefix(prefix: string): Promise<number> {
    assertValidPrefix(prefix, { allowEmpty: false });
    const keys = await this.list(prefix);
    for (const key of keys) await this.delete(key);
    return keys.length;
  }

  async list(prefix: string): Promise<string[]> {
    assertValidPrefix(prefix, { allowEmpty: true });
    const baseKeyDir = prefix.slice(0, prefix.lastIndexOf('/') + 1); // '' or 'jobs/abc/'
    const keys: string[] = [];
    const walk = async (dir: string, keyPrefix: string): Promise<void> => {
      let entries: Dirent[];
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch (err) {
        if (errnoCode(err) === 'ENOENT' || errnoCode(err) === 'ENOTDIR') return;
        throw err;
      }
      for (const entry of entries) {
        if (entry.name.startsWith('.')) continue; // .tmp, .meta: never keys
        const key = keyPrefix + entry.name;
        if (entry.isDirectory()) {
          const dirKey = `${key}/`;
          if (dirKey.startsWith(prefix) || prefix.startsWith(dirKey))
            await walk(join(dir, entry.name), dirKey);
        } else if (entry.isFile() && key.startsWith(prefix)) keys.push(key);
      }
    };
    try {
      await walk(join(this.root, ...baseKeyDir.split('/').filter(Boolean)), baseKeyDir);
    } catch (err) {
      throw wrap(err, `list ${prefix}`);
    }
    return keys.sort();
  }

  async signedUrl(key: string): Promise<string | null> {
    assertValidKey(key);
    return null;
  }

  publicUrl(key: string): string | null {
    assertValidKey(key);
    return null;
  }

  async close(): Promise<void> {}
}

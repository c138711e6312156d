import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { StorageKeyNotFoundError } from '../src/storage/errors';
import { readAll } from '../src/storage/hashing';
import { probeStorage, STORAGE_PROBE_KEY } from '../src/storage/probe';
import type { StorageDriver } from '../src/storage/types';
import { ProviderError } from '../src/types';

export interface StorageContractOptions {
  /** Creates a driver over empty storage. */
  setup(): Promise<StorageDriver>;
  teardown(driver: StorageDriver): Promise<void>;
  /** Whether `signedUrl` must return a URL fetchable with plain `fetch` (s3) or `null` (fs). */
  signsUrls: boolean;
}

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

/** A body streamed in 64 KiB chunks, as the audio stage produces it. */
function chunked(data: Buffer, chunkSize = 64 * 1024): Readable {
  return Readable.from(
    (function* () {
      for (let i = 0; i < data.length; i += chunkSize) yield data.subarray(i, i + chunkSize);
    })(),
  );
}

/** The behaviour every StorageDriver must show; run by each driver's test file against real storage. */
export function describeStorageContract(name: string, options: StorageContractOptions): void {
  describe(`StorageDriver contract: ${name}`, () => {
    let driver: StorageDriver;

    beforeEach(async () => {
      driver = await options.setup();
    });
    afterEach(async () => {
      await options.teardown(driver);
    });

    it('passes the health probe: the probe object is written once, then only read', async () => {
      let puts = 0;
      const counting = new Proxy(driver, {
        get(target, prop) {
          if (prop === 'put') {
            return (...args: Parameters<StorageDriver['put']>) => {
              puts += 1;
              return target.put(...args);
            };
          }
          const value = Reflect.get(target, prop, target);
          return typeof value === 'function' ? value.bind(target) : value;
        },
      });
      await probeStorage(counting);
      await probeStorage(counting);
      expect(puts).toBe(1);
      expect(await driver.head(STORAGE_PROBE_KEY)).toMatchObject({ contentType: 'text/plain' });
      await driver.delete(STORAGE_PROBE_KEY); // lost (a new volume): written again
      await probeStorage(counting);
      expect(puts).toBe(2);
    });

    it('stores a Buffer and reports size, sha256 and content type', async () => {
      const body = Buffer.from('{"hello":"world"}');
      const put = await driver.put('jobs/j1/script.json', body, { contentType: 'application/json' });
      expect(put).toEqual({ key: 'jobs/j1/script.json', sizeBytes: body.length, checksum: sha256(body) });
      expect(await driver.getBuffer('jobs/j1/script.json')).toEqual(body);
      expect(await driver.head('jobs/j1/script.json')).toEqual({
        sizeBytes: body.length,
        contentType: 'application/json',
        checksum: sha256(body),
      });
    });

    it('stores a stream, hashing it on the way', async () => {
      const body = randomBytes(200_000);
      const put = await driver.put('jobs/j1/episode.mp3', chunked(body, 7_000), {
        contentType: 'audio/mpeg',
      });
      expect(put.checksum).toBe(sha256(body));
      expect(put.sizeBytes).toBe(body.length);
      expect(sha256(await readAll(await driver.get('jobs/j1/episode.mp3')))).toBe(sha256(body));
      expect((await driver.head('jobs/j1/episode.mp3'))?.checksum).toBe(sha256(body));
    });

    it('uploads a body larger than 5 MiB (multipart on S3) intact', async () => {
      const body = randomBytes(11 * 1024 * 1024 + 4321);
      const put = await driver.put('jobs/big/episode.mp3', chunked(body), { contentType: 'audio/mpeg' });
      expect(put).toEqual({ key: 'jobs/big/episode.mp3', sizeBytes: body.length, checksum: sha256(body) });
      const head = await driver.head('jobs/big/episode.mp3');
      expect(head).toEqual({ sizeBytes: body.length, contentType: 'audio/mpeg', checksum: sha256(body) });
      expect(sha256(await driver.getBuffer('jobs/big/episode.mp3'))).toBe(sha256(body));
    });

    it('replaces an existing object', async () => {
      await driver.put('jobs/j1/a.txt', Buffer.from('first version'), { contentType: 'text/plain' });
      const second = Buffer.from('second');
      await driver.put('jobs/j1/a.txt', chunked(second), { contentType: 'text/plain' });
      expect(await driver.getBuffer('jobs/j1/a.txt')).toEqual(second);
      expect(await driver.head('jobs/j1/a.txt')).toMatchObject({ sizeBytes: 6, checksum: sha256(second) });
    });

    it('leaves no object when the body stream fails mid-way', async () => {
      const failing = new Readable({
        read() {
          this.push(Buffer.alloc(10_000, 1));
          this.destroy(new Error('upstream broke'));
        },
      });
      await expect(
        driver.put('jobs/j1/broken.mp3', failing, { contentType: 'audio/mpeg' }),
      ).rejects.toThrow();
      expect(await driver.head('jobs/j1/broken.mp3')).toBeNull();
      expect(await driver.list('jobs/')).toEqual([]);
    });

    it('reports missing keys: head → null, get/getBuffer/getRange → StorageKeyNotFoundError', async () => {
      expect(await driver.head('jobs/none/x.json')).toBeNull();
      await expect(driver.get('jobs/none/x.json')).rejects.toBeInstanceOf(StorageKeyNotFoundError);
      await expect(driver.getBuffer('jobs/none/x.json')).rejects.toMatchObject({
        code: 'STORAGE_FAILED',
        retryable: false,
      });
      await expect(driver.getRange('jobs/none/x.json', { start: 0, end: 1 })).rejects.toBeInstanceOf(
        StorageKeyNotFoundError,
      );
    });

    it('reads inclusive byte ranges and rejects unsatisfiable ones', async () => {
      const body = Buffer.from('0123456789abcdef');
      await driver.put('jobs/j1/r.bin', body, { contentType: 'application/octet-stream' });
      expect((await readAll(await driver.getRange('jobs/j1/r.bin', { start: 2, end: 5 }))).toString()).toBe(
        '2345',
      );
      expect((await readAll(await driver.getRange('jobs/j1/r.bin', { start: 10, end: 15 }))).toString()).toBe(
        'abcdef',
      );
      await expect(driver.getRange('jobs/j1/r.bin', { start: 10, end: 16 })).rejects.toMatchObject({
        code: 'STORAGE_FAILED',
        retryable: false,
      });
      await expect(driver.getRange('jobs/j1/r.bin', { start: 5, end: 4 })).rejects.toBeInstanceOf(
        ProviderError,
      );
    });

    it('deletes idempotently', async () => {
      await driver.put('jobs/j1/a.txt', Buffer.from('a'), { contentType: 'text/plain' });
      await driver.delete('jobs/j1/a.txt');
      expect(await driver.head('jobs/j1/a.txt')).toBeNull();
      await expect(driver.delete('jobs/j1/a.txt')).resolves.toBeUndefined();
    });

    it('lists keys under a prefix, sorted, and deletes by prefix', async () => {
      const keys = [
        'jobs/a/episode.mp3',
        'jobs/a/script.json',
        'jobs/a/x/deep.json',
        'jobs/ab/s.json',
        'other/z.txt',
      ];
      for (const key of [...keys].reverse())
        await driver.put(key, Buffer.from(key), { contentType: 'text/plain' });
      expect(await driver.list('jobs/a/')).toEqual([
        'jobs/a/episode.mp3',
        'jobs/a/script.json',
        'jobs/a/x/deep.json',
      ]);
      expect(await driver.list('jobs/a')).toEqual([
        'jobs/a/episode.mp3',
        'jobs/a/script.json',
        'jobs/a/x/deep.json',
        'jobs/ab/s.json',
      ]);
      expect(await driver.list('')).toEqual(keys);
      expect(await driver.list('nothing/')).toEqual([]);

      expect(await driver.deletePrefix('jobs/a/')).toBe(3);
      expect(await driver.list('')).toEqual(['jobs/ab/s.json', 'other/z.txt']);
      expect(await driver.getBuffer('jobs/ab/s.json')).toEqual(Buffer.from('jobs/ab/s.json'));
    });

    it('lists across pages (the S3 setup uses 10-key pages)', async () => {
      const keys = Array.from({ length: 25 }, (_, i) => `many/k${String(i).padStart(2, '0')}`);
      await Promise.all(keys.map((key) => driver.put(key, Buffer.from('x'), { contentType: 'text/plain' })));
      expect(await driver.list('many/')).toEqual(keys);
      expect(await driver.deletePrefix('many/')).toBe(25);
      expect(await driver.list('many/')).toEqual([]);
    });

    it.each([
      '',
      '/etc/passwd',
      '../outside.txt',
      'jobs/../../outside.txt',
      'jobs/./a.txt',
      'jobs//a.txt',
      'jobs/a/',
      'jobs/.hidden',
      'jobs\\a.txt',
      'jobs/a\0.txt',
      'jobs/a\n.txt',
    ])('rejects the unsafe key %j without touching storage', async (key) => {
      const attempt = driver.put(key, Buffer.from('x'), { contentType: 'text/plain' });
      await expect(attempt).rejects.toMatchObject({ code: 'STORAGE_FAILED', retryable: false });
      await expect(driver.head(key)).rejects.toBeInstanceOf(ProviderError);
      await expect(driver.delete(key)).rejects.toBeInstanceOf(ProviderError);
      expect(await driver.list('')).toEqual([]);
    });

    it('copies an object with its type and checksum, leaving the source; a missing source throws', async () => {
      const body = randomBytes(200 * 1024);
      await driver.put('jobs/j1/episode.mp3', chunked(body), { contentType: 'audio/mpeg' });
      await driver.put('archive/jobs/j1/episode.mp3', Buffer.from('older'), { contentType: 'text/plain' });
      await driver.copy('jobs/j1/episode.mp3', 'archive/jobs/j1/episode.mp3');
      expect(await driver.getBuffer('archive/jobs/j1/episode.mp3')).toEqual(body);
      expect(await driver.head('archive/jobs/j1/episode.mp3')).toMatchObject({
        sizeBytes: body.length,
        contentType: 'audio/mpeg',
        checksum: sha256(body),
      });
      expect(await driver.list('')).toEqual(['archive/jobs/j1/episode.mp3', 'jobs/j1/episode.mp3']);
      await expect(driver.copy('jobs/j1/missing.mp3', 'archive/jobs/j1/missing.mp3')).rejects.toBeInstanceOf(
        StorageKeyNotFoundError,
      );
      expect(await driver.head('archive/jobs/j1/missing.mp3')).toBeNull();
    });

    it('refuses to delete with an empty prefix', async () => {
      await driver.put('jobs/j1/a.txt', Buffer.from('a'), { contentType: 'text/plain' });
      await expect(driver.deletePrefix('')).rejects.toMatchObject({
        code: 'STORAGE_FAILED',
        retryable: false,
      });
      expect(await driver.list('')).toEqual(['jobs/j1/a.txt']);
    });

    it(
      options.signsUrls ? 'signs a GET URL that plain fetch can read' : 'returns null from signedUrl',
      async () => {
        const body = Buffer.from('signed content');
        await driver.put('jobs/j1/episode.mp3', body, { contentType: 'audio/mpeg' });
        const url = await driver.signedUrl('jobs/j1/episode.mp3', 60);
        if (!options.signsUrls) {
          expect(url).toBeNull();
          return;
        }
        expect(url).toEqual(expect.stringContaining('X-Amz-Signature='));
        expect(url).toEqual(expect.stringContaining('X-Amz-Expires=60'));
        const res = await fetch(url as string);
        expect(res.status).toBe(200);
        expect(Buffer.from(await res.arrayBuffer())).toEqual(body);
      },
    );
  });
}

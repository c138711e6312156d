import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { makeTempDir } from '@podfleet/test-kit';
import { describeStorageContract } from '../../test/storage-contract';
import { FsStorageDriver } from './fs-driver';
import type { StorageDriver } from './types';

const roots = new WeakMap<StorageDriver, { dir: string; remove(): Promise<void> }>();

describeStorageContract('fs', {
  signsUrls: false,
  setup: async () => {
    const temp = await makeTempDir('podfleet-fs-storage-');
    const driver = new FsStorageDriver({ dir: join(temp.dir, 'media') });
    roots.set(driver, temp);
    return driver;
  },
  teardown: async (driver) => {
    await driver.close();
    await roots.get(driver)?.remove();
  },
});

describe('FsStorageDriver specifics', () => {
  let temp: { dir: string; remove(): Promise<void> };
  let root: string;
  let driver: FsStorageDriver;
  const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

  beforeEach(async () => {
    temp = await makeTempDir('podfleet-fs-storage-');
    root = join(temp.dir, 'media');
    driver = new FsStorageDriver({ dir: root });
  });
  afterEach(() => temp.remove());

  it('exposes the local path of an object', async () => {
    await driver.put('jobs/j1/episode.mp3', Buffer.from('mp3 bytes'), { contentType: 'audio/mpeg' });
    expect(driver.localPath('jobs/j1/episode.mp3')).toBe(join(root, 'jobs', 'j1', 'episode.mp3'));
    expect(await readFile(driver.localPath('jobs/j1/episode.mp3'), 'utf8')).toBe('mp3 bytes');
  });

  it('leaves no temp files behind', async () => {
    await driver.put('jobs/j1/a.json', Buffer.from('{}'), { contentType: 'application/json' });
    await driver.put('jobs/j1/a.json', Buffer.from('{"v":2}'), { contentType: 'application/json' });
    expect(await readdir(join(root, '.tmp'))).toEqual([]);
  });

  it('recomputes the checksum when the data changed behind its back or the sidecar is gone', async () => {
    await driver.put('jobs/j1/a.txt', Buffer.from('original'), { contentType: 'text/plain' });
    await writeFile(driver.localPath('jobs/j1/a.txt'), 'edited by hand, longer');
    expect(await driver.head('jobs/j1/a.txt')).toMatchObject({ checksum: sha256('edited by hand, longer') });

    await driver.put('jobs/j1/b.json', Buffer.from('{"b":1}'), { contentType: 'application/json' });
    await rm(join(root, '.meta', 'jobs', 'j1', 'b.json.json'));
    expect(await driver.head('jobs/j1/b.json')).toEqual({
      sizeBytes: 7,
      contentType: 'application/json',
      checksum: sha256('{"b":1}'),
    });
  });

  it('keeps object and checksum consistent under concurrent writers of one key', async () => {
    const bodies = Array.from({ length: 8 }, (_, i) => Buffer.alloc(50_000 + i, i));
    await Promise.all(
      bodies.map((b) => driver.put('jobs/j1/race.bin', b, { contentType: 'application/octet-stream' })),
    );
    const data = await driver.getBuffer('jobs/j1/race.bin');
    expect(bodies.some((b) => b.equals(data))).toBe(true);
    expect((await driver.head('jobs/j1/race.bin'))?.checksum).toBe(sha256(data));
  });

  it('prunes directories a delete leaves empty', async () => {
    await driver.put('jobs/j1/x/a.txt', Buffer.from('a'), { contentType: 'text/plain' });
    await driver.put('jobs/j2/b.txt', Buffer.from('b'), { contentType: 'text/plain' });
    await driver.deletePrefix('jobs/j1/');
    expect(existsSync(join(root, 'jobs', 'j1'))).toBe(false);
    expect(existsSync(join(root, '.meta', 'jobs', 'j1'))).toBe(false);
    expect(existsSync(join(root, 'jobs', 'j2', 'b.txt'))).toBe(true);
  });

  it('a put lands while deletes prune the directories it is creating', async () => {
    // As a cover upload racing a cover delete of the same user (found by the API's contract
    // fuzzer: the recursive mkdir failed with ENOENT and the upload answered 500).
    for (let i = 0; i < 300; i++) {
      await driver.put(`users/u${i}/deep/old.txt`, Buffer.from('old'), { contentType: 'text/plain' });
      await Promise.all([
        driver.delete(`users/u${i}/deep/old.txt`),
        driver.put(`users/u${i}/deep/new.txt`, Buffer.from('new'), { contentType: 'text/plain' }),
      ]);
      expect((await driver.getBuffer(`users/u${i}/deep/new.txt`)).toString()).toBe('new');
    }
  });

  it('never writes outside its root for a traversal key', async () => {
    await expect(
      driver.put('../escape.txt', Buffer.from('x'), { contentType: 'text/plain' }),
    ).rejects.toThrow(/invalid storage key/);
    expect(existsSync(join(dirname(root), 'escape.txt'))).toBe(false);
  });
});

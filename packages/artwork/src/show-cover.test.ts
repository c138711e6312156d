import { join } from 'node:path';
import { createPrismaClient, type PrismaClient } from '@podfleet/db';
import { FsStorageDriver } from '@podfleet/providers';
import { makeTempDir } from '@podfleet/test-kit';
import { Resvg } from '@resvg/resvg-js';
import { inspectCover } from './cover-image';
import { type CoverStore, currentCover, removeUploadedCover, saveUploadedCover } from './show-cover';

let db: PrismaClient;
let temp: Awaited<ReturnType<typeof makeTempDir>>;
let store: CoverStore;
beforeAll(async () => {
  db = createPrismaClient(process.env.DATABASE_URL as string);
  temp = await makeTempDir('podfleet-artwork-');
  store = { db, storage: new FsStorageDriver({ dir: join(temp.dir, 'media') }) };
});
afterAll(async () => {
  await db.$disconnect();
  await temp.remove();
});

const newUser = () =>
  db.user.create({ data: { email: `cover-${Date.now()}-${Math.random()}@example.test` } });
const showOf = (userId: string) => db.podcastShow.findUnique({ where: { userId } });
const squarePng = (size: number, fill: string) =>
  new Resvg(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}"><rect width="100%" height="100%" fill="${fill}"/></svg>`,
  )
    .render()
    .asPng();

describe('the show cover', () => {
  it('is drawn on first use, kept while title and colour stay, redrawn when they change', async () => {
    const user = await newUser();
    const design = { title: 'Harbour news', color: '#225588' };
    const first = await currentCover(store, user.id, null, design);
    expect(first).toMatchObject({ mimeType: 'image/png', extension: 'png', uploaded: false });
    const bytes = await store.storage.getBuffer(first.key);
    expect(inspectCover(bytes)).toMatchObject({ ok: true, image: { sizePx: 1400 } });
    const row = await showOf(user.id);
    expect(row).toMatchObject({ coverKey: first.key, coverChecksum: first.checksum, coverUploaded: false });

    const updatedAt = row?.updatedAt.getTime();
    expect(await currentCover(store, user.id, row, design)).toEqual(first);
    expect((await showOf(user.id))?.updatedAt.getTime()).toBe(updatedAt); // nothing redrawn or rewritten

    const recoloured = await currentCover(store, user.id, row, { ...design, color: '#883322' });
    expect(recoloured.checksum).not.toBe(first.checksum);
    expect((await showOf(user.id))?.coverChecksum).toBe(recoloured.checksum);
  });

  it('an upload wins over the drawing until it is removed; a new upload replaces the old one', async () => {
    const user = await newUser();
    const design = { title: 'Uploads', color: '#336699' };
    await currentCover(store, user.id, null, design);
    const png = squarePng(1400, '#ff0000');
    const check = inspectCover(png);
    if (!check.ok) throw new Error(check.problems.join('; '));
    const uploaded = await saveUploadedCover(store, user.id, png, check.image);
    expect(uploaded).toMatchObject({ uploaded: true, mimeType: 'image/png' });
    // The drawing's inputs changing does not replace an upload.
    const served = await currentCover(store, user.id, await showOf(user.id), { ...design, title: 'Renamed' });
    expect(served).toEqual(uploaded);
    expect((await store.storage.getBuffer(served.key)).equals(png)).toBe(true);

    const second = squarePng(1500, '#00ff00');
    const secondCheck = inspectCover(second);
    if (!secondCheck.ok) throw new Error(secondCheck.problems.join('; '));
    const replaced = await saveUploadedCover(store, user.id, second, secondCheck.image);
    expect(replaced.checksum).not.toBe(uploaded.checksum);
    expect((await store.storage.getBuffer(replaced.key)).equals(second)).toBe(true);

    await removeUploadedCover(store, user.id);
    expect(await store.storage.head(replaced.key)).toBeNull();
    const drawn = await currentCover(store, user.id, await showOf(user.id), design);
    expect(drawn.uploaded).toBe(false);
    expect(drawn.key).not.toBe(replaced.key);
  });
});

// A show's current cover in storage: the user's upload, or one drawn from the show's title and
// colour. A drawn cover is redrawn lazily, when whoever needs it next (the feed, the cover URL)
// finds that what it was drawn from changed; uploads and drawings live under different keys, so
// a drawing finishing late never replaces an upload.
import { createHash } from 'node:crypto';
import { isUniqueViolation, type PodcastShow, type PrismaClient } from '@podfleet/db';
import type { StorageDriver } from '@podfleet/providers';
import type { CoverImage, CoverMimeType } from './cover-image';
import { COVER_DESIGN_VERSION, type CoverDesign, renderCover } from './render-cover';

export interface CoverStore {
  db: PrismaClient;
  storage: StorageDriver;
}

export interface StoredCover {
  key: string;
  mimeType: CoverMimeType;
  extension: 'png' | 'jpg';
  /** Hex SHA-256 of the bytes. */
  checksum: string;
  uploaded: boolean;
}

const drawnKey = (userId: string) => `users/${userId}/cover-drawn.png`;
const uploadedKey = (userId: string, extension: string) => `users/${userId}/cover-uploaded.${extension}`;

const drawnFrom = (design: CoverDesign) =>
  createHash('sha256')
    .update(JSON.stringify([COVER_DESIGN_VERSION, design.title, design.color]))
    .digest('hex');

function storedCoverOf(show: PodcastShow | null): StoredCover | null {
  if (!show?.coverKey || !show.coverChecksum) return null;
  const mimeType = show.coverType === 'image/jpeg' ? 'image/jpeg' : 'image/png';
  return {
    key: show.coverKey,
    mimeType,
    extension: mimeType === 'image/jpeg' ? 'jpg' : 'png',
    checksum: show.coverChecksum,
    uploaded: show.coverUploaded,
  };
}

/** The cover to serve now, drawing it first when there is none or its design inputs changed. */
export async function currentCover(
  store: CoverStore,
  userId: string,
  show: PodcastShow | null,
  design: CoverDesign,
): Promise<StoredCover> {
  const stored = storedCoverOf(show);
  const from = drawnFrom(design);
  if (stored && (stored.uploaded || show?.coverDrawnFrom === from)) return stored;

  const png = await renderCover(design);
  const put = await store.storage.put(drawnKey(userId), png, { contentType: 'image/png' });
  const fields = {
    coverKey: put.key,
    coverType: 'image/png',
    coverChecksum: put.checksum,
    coverDrawnFrom: from,
  };
  const drawn: StoredCover = {
    key: put.key,
    mimeType: 'image/png',
    extension: 'png',
    checksum: put.checksum,
    uploaded: false,
  };
  const updated = await store.db.podcastShow.updateMany({
    where: { userId, coverUploaded: false },
    data: fields,
  });
  if (updated.count > 0) return drawn;
  try {
    await store.db.podcastShow.create({ data: { userId, ...fields } });
    return drawn;
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
    // The row appeared meanwhile: an upload won (it is served), or another drawing of the same inputs.
    const now = await store.db.podcastShow.findUnique({ where: { userId } });
    return storedCoverOf(now) ?? drawn;
  }
}

/** Stores a cover that passed inspectCover as the show's cover, replacing any earlier upload. */
export async function saveUploadedCover(
  store: CoverStore,
  userId: string,
  bytes: Buffer,
  image: CoverImage,
): Promise<StoredCover> {
  const put = await store.storage.put(uploadedKey(userId, image.extension), bytes, {
    contentType: image.mimeType,
  });
  const fields = {
    coverKey: put.key,
    coverType: image.mimeType,
    coverChecksum: put.checksum,
    coverUploaded: true,
    coverDrawnFrom: null,
  };
  await store.db.podcastShow.upsert({ where: { userId }, create: { userId, ...fields }, update: fields });
  // An upload of the other type leaves its predecessor behind; the drawing is not needed any more.
  const other = uploadedKey(userId, image.extension === 'png' ? 'jpg' : 'png');
  await Promise.all([store.storage.delete(other), store.storage.delete(drawnKey(userId))]);
  return {
    key: put.key,
    mimeType: image.mimeType,
    extension: image.extension,
    checksum: put.checksum,
    uploaded: true,
  };
}

/** Goes back to a drawn cover (made on next use); the uploaded files are deleted. */
export async function removeUploadedCover(store: CoverStore, userId: string): Promise<void> {
  await store.db.podcastShow.updateMany({
    where: { userId, coverUploaded: true },
    data: {
      coverKey: null,
      coverType: null,
      coverChecksum: null,
      coverUploaded: false,
      coverDrawnFrom: null,
    },
  });
  await Promise.all(['png', 'jpg'].map((extension) => store.storage.delete(uploadedKey(userId, extension))));
}

// What podcast directories accept as show artwork (Apple's rules, which the others follow): a square
// PNG or JPEG of 1400–3000 px. Checked from the bytes alone: the declared Content-Type of an upload
// proves nothing.
import { imageSize } from 'image-size';

export const COVER_MIN_PX = 1400;
export const COVER_MAX_PX = 3000;
/** Apps download artwork on phones; Apple suggests keeping it small. */
export const COVER_MAX_BYTES = 512 * 1024;

export type CoverMimeType = 'image/png' | 'image/jpeg';

export interface CoverImage {
  mimeType: CoverMimeType;
  /** File extension podcast directories expect for the type (`png`, `jpg`). */
  extension: 'png' | 'jpg';
  sizePx: number;
}

export type CoverCheck = { ok: true; image: CoverImage } | { ok: false; problems: string[] };

const PNG_END = Buffer.from([0, 0, 0, 0, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82]);
const JPEG_END = Buffer.from([0xff, 0xd9]);

/** A file cut short (an interrupted upload) still has a valid header: its end marker is missing. */
function isComplete(bytes: Buffer, type: 'png' | 'jpg'): boolean {
  if (type === 'png') return bytes.subarray(-PNG_END.length).equals(PNG_END);
  // Some encoders pad after the end-of-image marker; nothing but padding may follow it.
  const end = bytes.lastIndexOf(JPEG_END);
  return end >= 0 && bytes.subarray(end + 2).every((b) => b === 0);
}

function readSize(bytes: Buffer): { type?: string; width?: number; height?: number } | null {
  try {
    return imageSize(bytes);
  } catch {
    return null; // not an image type image-size knows
  }
}

/** Every reason the bytes are no acceptable cover, or the cover they are. */
export function inspectCover(bytes: Buffer): CoverCheck {
  const problems: string[] = [];
  if (bytes.length > COVER_MAX_BYTES) {
    problems.push(`the image is ${bytes.length} bytes; at most ${COVER_MAX_BYTES} are accepted`);
  }
  const size = readSize(bytes);
  const type = size?.type === 'png' ? 'png' : size?.type === 'jpg' ? 'jpg' : null;
  if (!type) {
    problems.push(
      `the bytes are ${size?.type ? `a ${size.type} image` : 'no image'}; a PNG or JPEG is needed`,
    );
    return { ok: false, problems };
  }
  const width = size?.width ?? 0;
  const height = size?.height ?? 0;
  if (width !== height) problems.push(`the image is ${width}×${height}; it must be square`);
  if (Math.max(width, height) > COVER_MAX_PX || Math.min(width, height) < COVER_MIN_PX) {
    problems.push(`the image is ${width}×${height}; each side must be ${COVER_MIN_PX}–${COVER_MAX_PX} px`);
  }
  if (!isComplete(bytes, type)) problems.push(`the ${type === 'png' ? 'PNG' : 'JPEG'} is truncated`);
  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    image: { mimeType: type === 'png' ? 'image/png' : 'image/jpeg', extension: type, sizePx: width },
  };
}

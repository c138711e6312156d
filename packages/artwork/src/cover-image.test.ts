import { Resvg } from '@resvg/resvg-js';
import { COVER_MAX_BYTES, inspectCover } from './cover-image';

/** A plain PNG of any size, drawn by the same renderer the covers use. */
const png = (width: number, height: number) =>
  new Resvg(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="100%" height="100%" fill="#369"/></svg>`,
  )
    .render()
    .asPng();

/**
 * The markers image readers rely on: start of image, a JFIF header, a baseline frame header with
 * the size, entropy-coded filler, end of image. Not decodable, which a check by structure cannot tell.
 */
function jpeg(width: number, height: number, { end = true } = {}): Buffer {
  const jfif = Buffer.from([0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0]);
  const frame = Buffer.from([
    0xff, 0xc0, 0x00, 0x11, 0x08, 0, 0, 0, 0, 0x03, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1,
  ]);
  frame.writeUInt16BE(height, 5);
  frame.writeUInt16BE(width, 7);
  const tail = end ? Buffer.from([0xff, 0xd9]) : Buffer.alloc(0);
  return Buffer.concat([Buffer.from([0xff, 0xd8]), jfif, frame, Buffer.alloc(64, 0x10), tail]);
}

const problemsOf = (bytes: Buffer) => {
  const check = inspectCover(bytes);
  return check.ok ? [] : check.problems;
};

describe('inspectCover', () => {
  it('accepts square PNGs and JPEGs of 1400–3000 px, by their bytes', () => {
    expect(inspectCover(png(1400, 1400))).toEqual({
      ok: true,
      image: { mimeType: 'image/png', extension: 'png', sizePx: 1400 },
    });
    expect(inspectCover(jpeg(3000, 3000))).toEqual({
      ok: true,
      image: { mimeType: 'image/jpeg', extension: 'jpg', sizePx: 3000 },
    });
  });

  it('refuses an image that is not square, too small or too large', () => {
    expect(problemsOf(png(1400, 1500))).toEqual(['the image is 1400×1500; it must be square']);
    expect(problemsOf(png(1399, 1399))).toEqual(['the image is 1399×1399; each side must be 1400–3000 px']);
    expect(problemsOf(jpeg(3001, 3001))).toEqual(['the image is 3001×3001; each side must be 1400–3000 px']);
  });

  it('refuses other types whatever they are called, and bytes that are no image', () => {
    const gif = Buffer.concat([
      Buffer.from('GIF89a'),
      Buffer.from([0x78, 0x05, 0x78, 0x05]),
      Buffer.alloc(32),
    ]);
    expect(problemsOf(gif)).toEqual(['the bytes are a gif image; a PNG or JPEG is needed']);
    expect(problemsOf(Buffer.from('hello, not an image'))).toEqual([
      'the bytes are no image; a PNG or JPEG is needed',
    ]);
  });

  it('refuses a truncated file and one over 512 KB', () => {
    const whole = png(1400, 1400);
    expect(problemsOf(whole.subarray(0, whole.length - 100))).toEqual(['the PNG is truncated']);
    expect(problemsOf(jpeg(1400, 1400, { end: false }))).toEqual(['the JPEG is truncated']);
    const padded = Buffer.concat([whole.subarray(0, 33), Buffer.alloc(COVER_MAX_BYTES), whole.subarray(33)]);
    expect(problemsOf(padded)).toEqual([
      `the image is ${padded.length} bytes; at most ${COVER_MAX_BYTES} are accepted`,
    ]);
  });
});

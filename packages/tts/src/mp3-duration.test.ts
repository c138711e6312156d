import { mp3DurationSec } from './mp3-duration';

/** MPEG-1 layer III, 128 kbps, 44.1 kHz, mono, no CRC: 417-byte frames of 1152 samples. */
function frames(count: number): Buffer {
  const frame = Buffer.alloc(417);
  frame.writeUInt32BE(0xfffb90c0, 0);
  return Buffer.concat(Array.from({ length: count }, () => frame));
}

/** An Info frame (what LAME writes first) carrying encoder delay 576 and padding 1000. */
function infoFrame(): Buffer {
  const frame = Buffer.alloc(417);
  frame.writeUInt32BE(0xfffb90c0, 0);
  const tag = 4 + 17; // header + mono MPEG-1 side info
  frame.write('Info', tag, 'latin1');
  frame.writeUInt32BE(0x1, tag + 4); // frames field only
  frame.writeUInt32BE(100, tag + 8);
  frame.write('LAME', tag + 12, 'latin1');
  const d = tag + 12 + 21;
  frame[d] = 576 >> 4;
  frame[d + 1] = ((576 & 0x0f) << 4) | (1000 >> 8);
  frame[d + 2] = 1000 & 0xff;
  return frame;
}

describe('mp3DurationSec', () => {
  it('counts frames after an ID3v2 tag', () => {
    const id3 = Buffer.alloc(10 + 300);
    id3.write('ID3', 0, 'latin1');
    id3[3] = 3;
    id3[9] = 300 & 0x7f;
    id3[8] = 300 >> 7;
    expect(mp3DurationSec(Buffer.concat([id3, frames(100)]))).toBeCloseTo((100 * 1152) / 44100, 6);
  });

  it('skips the Info frame and removes LAME delay and padding', () => {
    const seconds = mp3DurationSec(Buffer.concat([infoFrame(), frames(100)]));
    expect(seconds).toBeCloseTo((100 * 1152 - 1576) / 44100, 6);
  });

  it('is zero for bytes that are not MP3', () => {
    expect(mp3DurationSec(Buffer.from('not audio at all'))).toBe(0);
  });
});

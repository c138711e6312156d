/**
 * Duration of an MP3 (MPEG audio layer III) buffer from its frame headers, without decoding: what
 * paid engines return. Skips a leading ID3v2 tag and the Xing/Info frame, and subtracts the LAME
 * encoder delay/padding when the Info frame carries them, as decoders do.
 */

const BITRATES_V1 = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320];
const BITRATES_V2 = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160];
const SAMPLE_RATES: Record<number, number[]> = {
  3: [44100, 48000, 32000],
  2: [22050, 24000, 16000],
  0: [11025, 12000, 8000],
};

const LAME_TAG_NAMES = new Set(['LAME', 'Lavf', 'Lavc']);

interface FrameHeader {
  length: number;
  samples: number;
  sampleRate: number;
  mono: boolean;
  mpeg1: boolean;
}

function readFrameHeader(buf: Buffer, at: number): FrameHeader | undefined {
  if (at + 4 > buf.length) return undefined;
  const h = buf.readUInt32BE(at);
  if (h >>> 21 !== 0x7ff) return undefined;
  const version = (h >>> 19) & 3; // 3 = MPEG1, 2 = MPEG2, 0 = MPEG2.5
  const layer = (h >>> 17) & 3; // 1 = layer III
  const bitrateIndex = (h >>> 12) & 15;
  const rateIndex = (h >>> 10) & 3;
  if (version === 1 || layer !== 1 || bitrateIndex === 0 || bitrateIndex === 15 || rateIndex === 3)
    return undefined;
  const mpeg1 = version === 3;
  const bitrate = (mpeg1 ? BITRATES_V1 : BITRATES_V2)[bitrateIndex]! * 1000;
  const sampleRate = SAMPLE_RATES[version]![rateIndex]!;
  const padding = (h >>> 9) & 1;
  const length = Math.floor(((mpeg1 ? 144 : 72) * bitrate) / sampleRate) + padding;
  return { length, samples: mpeg1 ? 1152 : 576, sampleRate, mono: ((h >>> 6) & 3) === 3, mpeg1 };
}

function id3v2Length(buf: Buffer): number {
  if (buf.length < 10 || buf.toString('latin1', 0, 3) !== 'ID3') return 0;
  const size =
    ((buf[6]! & 0x7f) << 21) | ((buf[7]! & 0x7f) << 14) | ((buf[8]! & 0x7f) << 7) | (buf[9]! & 0x7f);
  const footer = (buf[5]! & 0x10) !== 0 ? 10 : 0;
  return 10 + size + footer;
}

/** Encoder delay + padding in samples when `frame` is a Xing/Info frame, else undefined. */
function infoFrameTrim(buf: Buffer, at: number, frame: FrameHeader): number | undefined {
  const sideInfo = frame.mpeg1 ? (frame.mono ? 17 : 32) : frame.mono ? 9 : 17;
  const tagAt = at + 4 + sideInfo;
  const tag = buf.toString('latin1', tagAt, tagAt + 4);
  if (tag !== 'Xing' && tag !== 'Info') return undefined;
  const flags = buf.readUInt32BE(tagAt + 4);
  // Optional fields: frames (1), bytes (2), TOC (4, 100 bytes), quality (8).
  const lameAt =
    tagAt + 8 + (flags & 1 ? 4 : 0) + (flags & 2 ? 4 : 0) + (flags & 4 ? 100 : 0) + (flags & 8 ? 4 : 0);
  // The LAME tag; ffmpeg's encoder writes the same layout under its own name (as ffmpeg's decoder accepts).
  if (lameAt + 24 > buf.length || !LAME_TAG_NAMES.has(buf.toString('latin1', lameAt, lameAt + 4))) return 0;
  const d = lameAt + 21;
  const delay = (buf[d]! << 4) | (buf[d + 1]! >> 4);
  const padding = ((buf[d + 1]! & 0x0f) << 8) | buf[d + 2]!;
  return delay + padding;
}

export function mp3DurationSec(buf: Buffer): number {
  let at = id3v2Length(buf);
  let samples = 0;
  let sampleRate = 0;
  let first = true;
  while (at < buf.length) {
    const frame = readFrameHeader(buf, at);
    if (!frame) {
      at++; // resynchronise past junk
      continue;
    }
    sampleRate = frame.sampleRate;
    const trim = first ? infoFrameTrim(buf, at, frame) : undefined;
    if (trim === undefined) samples += frame.samples;
    else samples -= trim;
    first = false;
    at += frame.length;
  }
  return sampleRate === 0 ? 0 : Math.max(0, samples) / sampleRate;
}

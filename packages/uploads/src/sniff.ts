import { fileTypeFromBuffer } from 'file-type';

/** The audio formats an upload may be, by what file-type names them. */
const ACCEPTED = {
  mp3: 'audio/mpeg',
  m4a: 'audio/mp4',
  aac: 'audio/aac',
  wav: 'audio/wav',
  flac: 'audio/flac',
  ogg: 'audio/ogg',
  oga: 'audio/ogg',
  opus: 'audio/ogg',
} as const;
export type UploadAudioFormat = keyof typeof ACCEPTED;
export const UPLOAD_AUDIO_FORMATS = Object.keys(ACCEPTED) as UploadAudioFormat[];

/** How many leading bytes sniffing reads (what file-type needs for every format it knows). */
export const SNIFF_BYTES = 4100;

export interface SniffedAudio {
  format: UploadAudioFormat;
  mime: (typeof ACCEPTED)[UploadAudioFormat];
}

export type SniffResult = { ok: true; audio: SniffedAudio } | { ok: false; reason: string };

/**
 * What an upload is, decided by its first bytes (never its name or declared type): one of the
 * accepted audio formats, or why not (another type it recognised, or nothing it knows).
 */
export async function sniffAudio(head: Uint8Array): Promise<SniffResult> {
  const type = await fileTypeFromBuffer(head.subarray(0, SNIFF_BYTES));
  if (!type) return { ok: false, reason: 'the file is not audio of a known format' };
  if (type.ext in ACCEPTED) {
    const format = type.ext as UploadAudioFormat;
    return { ok: true, audio: { format, mime: ACCEPTED[format] } };
  }
  return {
    ok: false,
    reason: `the file is ${type.mime} (.${type.ext}); accepted: MP3, M4A/AAC, WAV, FLAC, Ogg`,
  };
}

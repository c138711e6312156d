export {
  SNIFF_BYTES,
  type SniffedAudio,
  type SniffResult,
  sniffAudio,
  UPLOAD_AUDIO_FORMATS,
  type UploadAudioFormat,
} from './sniff';
export {
  detectTranscriptFormat,
  parseTranscript,
  TranscriptError,
  type TranscriptFormat,
  type TranscriptSegment,
} from './transcript';

export {
  type ReceivedUpload,
  type ReceiveUploadOptions,
  receiveUpload,
  type StagedTranscript,
  stagedTranscriptSchema,
  UploadError,
  type UploadErrorKind,
} from './receive';
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
  type ParsedTranscript,
  parseTranscript,
  type TranscriptChapter,
  TranscriptError,
  type TranscriptFormat,
  type TranscriptSegment,
} from './transcript';

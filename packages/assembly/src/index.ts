export {
  type AssembledEpisode,
  type AssembleOptions,
  assembleEpisode,
  OUTPUT_SAMPLE_RATE,
  type TranscriptSegment,
} from './assemble';
export { type AudioOptions, audioStage } from './audio-stage';
export {
  AUDIOGRAM,
  type Caption,
  type ClipRenderInput,
  captionsAss,
  clipCaptions,
  renderClip,
} from './clip-render';
export { clipMediaKey, clipsStage } from './clips-stage';
export { type Loudness, measureLoudness, parseEbur128Summary } from './loudness';
export { type ClipsPcm, decodeToPcm, loadClipsPcm } from './pcm';
export { type AudioProbe, probeAudio, probeDurationSec } from './probe';
export { encodeRawPath } from './raw-path';
export { segmentLoudnessDb } from './segment-energy';
export { setUpAudioStage } from './set-up';
export { ffmpegPath, runTool } from './tools';
export { type NormalizedUpload, normalizeUploadedAudio, UndecodableAudioError } from './upload-audio';
export {
  type VoicedClip,
  type VoiceProgress,
  type VoiceScriptOptions,
  VoicingCancelledError,
  voiceScript,
} from './voice-script';

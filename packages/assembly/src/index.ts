export {
  type AssembledEpisode,
  type AssembleOptions,
  assembleEpisode,
  OUTPUT_SAMPLE_RATE,
  type TranscriptSegment,
} from './assemble';
export { type Loudness, measureLoudness, parseEbur128Summary } from './loudness';
export { type AudioProbe, probeAudio, probeDurationSec } from './probe';
export { ffmpegPath } from './tools';
export {
  type VoicedClip,
  type VoiceProgress,
  type VoiceScriptOptions,
  VoicingCancelledError,
  voiceScript,
} from './voice-script';
export { type ClipsPcm, loadClipsPcm } from './pcm';
export { runTool } from './tools';

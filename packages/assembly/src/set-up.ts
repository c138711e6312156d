import type { TtsEngine } from '@podfleet/tts';
import { dspThreads } from './dsp-thread';
import { ffmpegPath, runTool } from './tools';

/**
 * What the audio stage's first job would otherwise pay for, done when the audio worker starts
 * (before it takes jobs): the TTS engine set up (espeak's threads with their compiled module), a
 * loudness thread started, and ffmpeg run once (its binary read from disk).
 */
export async function setUpAudioStage(engine: TtsEngine): Promise<void> {
  dspThreads.prestart();
  await Promise.all([engine.setUp?.(), runTool(ffmpegPath(), ['-version'])]);
}

import type { TtsEngine } from '@podfleet/tts';
import { setUpAudioStage } from './set-up';

const engine = (setUp: () => Promise<void>): TtsEngine => ({
  name: 'espeak',
  voicesFor: (hosts) => hosts.map(() => 'en-us@35'),
  synthesize: () => Promise.reject(new Error('not used')),
  setUp,
  close: async () => {},
});

describe('setUpAudioStage', () => {
  it("sets the engine up (and runs ffmpeg once); the engine's failure is the set-up's", async () => {
    let calls = 0;
    await setUpAudioStage(
      engine(async () => {
        calls++;
      }),
    );
    expect(calls).toBe(1);
    await expect(setUpAudioStage(engine(() => Promise.reject(new Error('no voices'))))).rejects.toThrow(
      'no voices',
    );
  });
});

// A fixture for other packages' tests (`@podfleet/clips/testing`). Never imported by production code.
import type { TimedSegment } from './features';
import type { ClipRequest } from './presets';

/**
 * A claim-led stretch right on the topic, then a question-led stretch off it: by default the claim
 * ranks first; enough liked question-led clips turn that round. Lines of 5 s, 0.2 s apart.
 */
export const CLAIM_THEN_QUESTION: {
  segments: TimedSegment[];
  topic: string;
  request: Pick<ClipRequest, 'platform' | 'count' | 'minSec' | 'maxSec'>;
} = {
  segments: [
    'Solar panels are the biggest change in energy this decade.',
    'Solar energy panels now cost less than coal.',
    'Energy from solar panels keeps getting cheaper.',
    'That is the solar energy story.',
    'The weather stayed mild.',
    'What would you do with a free afternoon?',
    'I would walk by the lake.',
    'Then read in the garden.',
    'That sounds like a plan.',
  ].map((text, i) => ({ speaker: i % 2 ? 'Ben' : 'Ava', text, start: i * 5.2, end: i * 5.2 + 5 })),
  topic: 'solar energy panels',
  request: { platform: 'reels', count: 2, minSec: 15, maxSec: 25 },
};

import type { TimedSegment } from './features';
import { ClipSelectionError, selectClips } from './select';

/** Lines back to back, each lasting its given seconds, speakers alternating unless given. */
function timeline(
  lines: Array<[text: string, seconds: number, speaker?: string]>,
  gapSec = 0.3,
): TimedSegment[] {
  let t = 0;
  return lines.map(([text, seconds, speaker], i) => {
    const segment = { speaker: speaker ?? (i % 2 === 0 ? 'Ava' : 'Ben'), text, start: t, end: t + seconds };
    t += seconds + gapSec;
    return segment;
  });
}

const generic = { platform: 'generic' as const, count: 3 };

describe('selectClips', () => {
  test('clips start after a sentence ends and end on one: a line cut mid-sentence is never an edge', () => {
    const segments = timeline([
      ['Welcome back to the show.', 6],
      ['Today we talk about rivers and', 6], // ends mid-sentence
      ['the towns that grew beside them.', 6],
      ['Rivers carried trade for centuries.', 6],
      ['And the towns kept the records.', 6],
      ['That is where our story starts.', 6],
    ]);
    const clips = selectClips({ segments, topic: 'rivers towns trade', request: { ...generic, count: 10 } });
    expect(clips.length).toBeGreaterThan(0);
    for (const clip of clips) {
      expect(clip.segments.to).not.toBe(1);
      expect(clip.segments.from).not.toBe(2);
      expect(clip.text.endsWith('.')).toBe(true);
    }
  });

  test('short lines are merged into windows within the bounds, and chosen clips never overlap', () => {
    const segments = timeline(
      Array.from(
        { length: 40 },
        (_, i) => [`Point number ${i} is worth a moment of thought.`, 4] as [string, number],
      ),
    );
    const clips = selectClips({ segments, topic: 'points', request: { platform: 'tiktok', count: 5 } });
    expect(clips).toHaveLength(5);
    for (const clip of clips) {
      expect(clip.segments.to).toBeGreaterThan(clip.segments.from);
      expect(clip.durationSec).toBeGreaterThanOrEqual(15);
      expect(clip.durationSec).toBeLessThanOrEqual(45);
      expect(clip.durationSec).toBeCloseTo(clip.endSec - clip.startSec, 3);
    }
    const sorted = [...clips].sort((a, b) => a.startSec - b.startSec);
    for (let i = 1; i < sorted.length; i++)
      expect(sorted[i]!.startSec).toBeGreaterThanOrEqual(sorted[i - 1]!.endSec);
    // Best first.
    for (let i = 1; i < clips.length; i++) expect(clips[i]!.score).toBeLessThanOrEqual(clips[i - 1]!.score);
  });

  test('a request bounds override the preset', () => {
    const segments = timeline(
      Array.from({ length: 30 }, () => ['A full sentence here.', 5] as [string, number]),
    );
    const clips = selectClips({
      segments,
      topic: 'x',
      request: { platform: 'tiktok', count: 3, minSec: 50, maxSec: 60 },
    });
    for (const clip of clips) expect(clip.durationSec).toBeGreaterThanOrEqual(50);
  });

  test('an episode too short for any clip is an error that says how much speech it has', () => {
    const segments = timeline([
      ['Hello there.', 3],
      ['Short show today.', 4],
    ]);
    expect(() => selectClips({ segments, topic: 'x', request: generic })).toThrow(ClipSelectionError);
    expect(() => selectClips({ segments, topic: 'x', request: generic })).toThrow(/12–60 s.*7\.3 s/);
  });

  test('empty lines are skipped; an untimed line with words breaks the speech, so no clip spans it', () => {
    const sentence: [string, number] = ['One more complete sentence.', 5];
    const segments = timeline([
      sentence,
      sentence,
      sentence,
      ['', 0.5],
      sentence,
      sentence,
      sentence,
      sentence,
      sentence,
      sentence,
      sentence,
    ]);
    segments[8] = { ...segments[8]!, start: Number.NaN, end: Number.NaN };
    // 30 s or more needs six spoken lines: only lines 0-7 (across the empty one) have them.
    const clips = selectClips({
      segments,
      topic: 'sentence',
      request: { ...generic, count: 10, minSec: 30, maxSec: 40 },
    });
    expect(clips.length).toBeGreaterThan(0);
    for (const clip of clips) {
      expect(clip.segments.from).toBeLessThan(3);
      expect(clip.segments.to).toBeGreaterThan(3);
      expect(clip.segments.to).toBeLessThan(8);
      expect(clip.text).not.toMatch(/ {2}/);
    }
  });

  test('lines far apart in time are not one clip', () => {
    const segments = timeline(
      Array.from({ length: 6 }, () => ['A sentence of five seconds.', 5] as [string, number]),
      3,
    );
    expect(() => selectClips({ segments, topic: 'x', request: generic })).toThrow(ClipSelectionError);
  });

  test('a question hook, energy and closeness to the topic each raise a window above an otherwise equal one', () => {
    const filler = (n: number) =>
      Array.from({ length: n }, () => ['The weather stayed mild all week.', 5] as [string, number]);
    const question = timeline([...filler(4), ['Why do rivers bend so much?', 5], ...filler(5)]);
    const [withHook] = selectClips({
      segments: question,
      topic: 'weather',
      request: { ...generic, count: 1 },
    });
    expect(withHook?.features.hook.kind).toBe('question');
    expect(withHook?.segments.from).toBe(4);

    const flat = timeline(filler(12));
    const energyDb = flat.map((_, i) => (i >= 6 && i <= 9 ? -12 : -30));
    const [loud] = selectClips({
      segments: flat,
      topic: 'weather',
      energyDb,
      request: { ...generic, count: 1 },
    });
    expect(loud!.segments.from).toBeGreaterThanOrEqual(5);
    expect(loud!.segments.to).toBeLessThanOrEqual(10);
    expect(loud!.features.energy.value).toBeGreaterThan(0.5);

    const topical = timeline([
      ...filler(5),
      ['Glaciers carve valleys as glaciers move.', 5],
      ['Glaciers melt into valleys.', 5],
      ...filler(5),
    ]);
    const [onTopic] = selectClips({
      segments: topical,
      topic: 'glaciers and valleys',
      request: { ...generic, count: 1 },
    });
    expect(onTopic!.text).toMatch(/Glaciers/);
    expect(onTopic!.features.topic.value).toBe(1);
  });

  test('the features explain the score: contributions over the weights', () => {
    const segments = timeline(
      Array.from({ length: 10 }, (_, i) => [`Is point ${i} the best one?`, 5] as [string, number]),
    );
    const [clip] = selectClips({ segments, topic: 'point', request: { ...generic, count: 1 } });
    const f = clip!.features;
    const contributions =
      f.hook.contribution +
      f.completeThought.contribution +
      f.speakerTurns.contribution +
      f.energy.contribution +
      f.topic.contribution +
      f.lengthFit.contribution;
    const weights =
      1.5 +
      f.completeThought.weight +
      f.speakerTurns.weight +
      f.energy.weight +
      f.topic.weight +
      f.lengthFit.weight;
    expect(clip!.score).toBeCloseTo(contributions / weights, 2);
    expect(f.completeThought.value).toBe(0.5); // ends on a question left open
    expect(['high', 'medium', 'low']).toContain(clip!.confidence);
  });
});

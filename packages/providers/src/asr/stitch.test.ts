import { planChunks } from './chunks';
import { type ChunkTranscript, stitchChunks } from './stitch';

const chunk = (index: number, start: number, end: number, segments: ChunkTranscript['segments']) => ({
  index,
  start,
  end,
  segments,
});

function expectMonotonic(segments: Array<{ start: number; end: number }>) {
  segments.forEach((s, i) => {
    expect(s.end).toBeGreaterThan(s.start);
    if (i > 0) expect(s.start).toBeGreaterThanOrEqual(segments[i - 1]!.end);
  });
}

describe('planChunks', () => {
  it('cuts a file into chunks that start chunk - overlap apart, the last ending with the file', () => {
    expect(planChunks(1500, 600, 5)).toEqual([
      { index: 0, start: 0, end: 600 },
      { index: 1, start: 595, end: 1195 },
      { index: 2, start: 1190, end: 1500 },
    ]);
    expect(planChunks(42.5, 600, 5)).toEqual([{ index: 0, start: 0, end: 42.5 }]);
  });

  it('stretches the last chunk by up to a second rather than send a sliver', () => {
    expect(planChunks(600.8, 600, 5)).toEqual([{ index: 0, start: 0, end: 600.8 }]);
    expect(planChunks(601.5, 600, 5)).toHaveLength(2);
  });

  it('refuses an overlap over half a chunk (chunks would not advance past each other)', () => {
    expect(() => planChunks(100, 10, 6)).toThrow(RangeError);
  });
});

describe('stitchChunks (midpoint rule)', () => {
  it('shifts each chunk by its start and keeps speech heard by both chunks once, from the chunk owning its midpoint', () => {
    // Chunks [0, 20] and [16, 36]: the overlap [16, 20] is cut at 18.
    const segments = stitchChunks([
      chunk(0, 0, 20, [
        { start: 1, end: 4, text: ' One.' },
        { start: 15, end: 17.5, text: ' Two.' }, // midpoint 16.25: chunk 0's
        { start: 18.5, end: 20, text: ' Thr' }, // cut off by the chunk's end: chunk 1 hears it whole
      ]),
      chunk(1, 16, 36, [
        { start: 0, end: 1.5, text: ' Two.' }, // only its end: midpoint 16.75, before the cut
        { start: 2.5, end: 5, text: ' Three.' }, // 18.5-21: midpoint 19.75
        { start: 10, end: 12, text: ' Four.' },
      ]),
    ]);
    expect(segments).toEqual([
      { speaker: 'Speaker', text: 'One.', start: 1, end: 4 },
      { speaker: 'Speaker', text: 'Two.', start: 15, end: 17.5 },
      { speaker: 'Speaker', text: 'Three.', start: 18.5, end: 21 },
      { speaker: 'Speaker', text: 'Four.', start: 26, end: 28 },
    ]);
  });

  it('keeps the longer copy of speech both chunks cut short across the middle, and stays monotonic', () => {
    // A 6 s utterance over the whole overlap [16, 20]: chunk 0 hears 15-20, chunk 1 hears 16-21.5.
    const segments = stitchChunks([
      chunk(0, 0, 20, [
        { start: 10, end: 14, text: 'Before.' },
        { start: 15, end: 20, text: 'A long thought cut' },
      ]),
      chunk(1, 16, 36, [
        { start: 0, end: 5.5, text: 'long thought cut short.' },
        { start: 6, end: 8, text: 'After.' },
      ]),
    ]);
    expect(segments.map((s) => s.text)).toEqual(['Before.', 'long thought cut short.', 'After.']);
    expect(segments[1]).toMatchObject({ start: 16, end: 21.5 });
    expectMonotonic(segments);
  });

  it('starts a segment where the previous ends when the chunks time a boundary slightly differently', () => {
    const segments = stitchChunks([
      chunk(0, 0, 20, [{ start: 14, end: 17.9, text: 'Earlier.' }]),
      chunk(1, 16, 36, [{ start: 1.5, end: 4, text: 'Later.' }]), // 17.5-20: overlaps by 0.4 s
    ]);
    expect(segments).toEqual([
      { speaker: 'Speaker', text: 'Earlier.', start: 14, end: 17.9 },
      { speaker: 'Speaker', text: 'Later.', start: 17.9, end: 20 },
    ]);
  });

  it('clips segments to their chunk, drops empty ones, and joins text-only chunks without overlap', () => {
    const segments = stitchChunks([
      chunk(0, 0, 30, [
        { start: 0, end: 31, text: ' Everything in the first chunk. ' },
        { start: 5, end: 6, text: '   ' },
      ]),
      chunk(1, 25, 50, [{ start: 0, end: 25, text: 'Everything in the second.' }]),
    ]);
    expect(segments).toEqual([
      { speaker: 'Speaker', text: 'Everything in the first chunk.', start: 0, end: 30 },
      { speaker: 'Speaker', text: 'Everything in the second.', start: 30, end: 50 },
    ]);
    expect(stitchChunks([chunk(0, 0, 10, [])])).toEqual([]);
  });
});

import { clock, segmentAt } from './transcript';

const segments = [
  { start: 0, end: 1.5 },
  { start: 1.8, end: 4 },
  { start: 4.3, end: 9 },
  { start: 9.2, end: 12 },
];

describe('segmentAt', () => {
  it('names the last line started by the time, including the pauses after a line', () => {
    expect(segmentAt(segments, 0)).toBe(0);
    expect(segmentAt(segments, 1.6)).toBe(0); // the pause after line 0
    expect(segmentAt(segments, 1.8)).toBe(1);
    expect(segmentAt(segments, 9.19)).toBe(2);
    expect(segmentAt(segments, 60)).toBe(3);
  });

  it('is -1 before the first line or without lines', () => {
    expect(segmentAt([{ start: 0.5, end: 1 }], 0.2)).toBe(-1);
    expect(segmentAt([], 3)).toBe(-1);
  });
});

describe('clock', () => {
  it('reads as minutes and seconds, with hours when there are any', () => {
    expect(clock(0)).toBe('0:00');
    expect(clock(75.9)).toBe('1:15');
    expect(clock(3725)).toBe('1:02:05');
  });
});

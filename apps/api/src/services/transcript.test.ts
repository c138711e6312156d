import { SEGMENTS } from '../../test/fixtures';
import { parseSrt, parseVtt } from '../../test/subtitles';
import { readSegments, timestamp, toPodcastJson, toSrt, toText, toVtt } from './transcript';

describe('transcript formats', () => {
  it('writes the Podcasting 2.0 JSON transcript: version, then speaker, start, end and body per turn', () => {
    const doc = JSON.parse(toPodcastJson(SEGMENTS));
    expect(doc.version).toBe('1.0.0');
    expect(doc.segments).toEqual(
      SEGMENTS.map((s) => ({ speaker: s.speaker, startTime: s.start, endTime: s.end, body: s.text })),
    );
  });

  it('formats timestamps to the millisecond past an hour', () => {
    expect(timestamp(0, '.')).toBe('00:00:00.000');
    expect(timestamp(3725.5, '.')).toBe('01:02:05.500');
    expect(timestamp(59.9996, ',')).toBe('00:01:00,000');
  });

  it('writes WebVTT that parses back to the segments, with escaped voice spans', () => {
    const cues = parseVtt(toVtt(SEGMENTS));
    expect(cues.map((c) => [c.start, c.end])).toEqual(SEGMENTS.map((s) => [s.start, s.end]));
    expect(cues[0]?.text).toBe('<v Maya>Welcome to the show.');
    expect(cues[1]?.text).toBe('<v Theo>Today: the budget, &amp; why &lt;it&gt; matters.');
    expect(cues.map((c) => c.index)).toEqual(['1', '2', '3']);
  });

  it('writes SRT that parses back, numbered from 1', () => {
    const cues = parseSrt(toSrt(SEGMENTS));
    expect(cues.map((c) => c.index)).toEqual(['1', '2', '3']);
    expect(cues[2]).toEqual({
      index: '3',
      start: 3725.5,
      end: 3727.004,
      text: 'Maya: Thanks for listening.',
    });
  });

  it('keeps a cue intact when its text has blank lines or an arrow', () => {
    const tricky = [{ speaker: 'Maya', text: 'one\n\ntwo --> three', start: 1, end: 2 }];
    expect(parseVtt(toVtt(tricky))[0]?.text).toBe('<v Maya>one\ntwo -&gt; three');
    expect(parseSrt(toSrt(tricky))[0]?.text).toBe('Maya: one\ntwo -> three');
  });

  it('writes plain text one turn per line, and handles no segments', () => {
    expect(toText(SEGMENTS).split('\n')[0]).toBe('Maya: Welcome to the show.');
    expect(toVtt([])).toBe('WEBVTT\n\n');
    expect(toSrt([])).toBe('');
    expect(readSegments([{ speaker: 'x' }, ...SEGMENTS, 'junk'])).toHaveLength(3);
    expect(readSegments(null)).toEqual([]);
  });
});

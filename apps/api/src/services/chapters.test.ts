import { toJsonChapters } from './chapters';

describe('toJsonChapters', () => {
  it('writes Podcasting 2.0 JSON chapters with start times to the millisecond, as ID3 CHAP frames hold them', () => {
    const doc = JSON.parse(
      toJsonChapters([
        { title: 'Introduction', startSec: 0 },
        { title: 'Canals & locks', startSec: 12.34567 },
        { title: 'broken' },
      ]),
    );
    expect(doc).toEqual({
      version: '1.2.0',
      chapters: [
        { startTime: 0, title: 'Introduction' },
        { startTime: 12.346, title: 'Canals & locks' },
      ],
    });
    expect(JSON.parse(toJsonChapters(null))).toEqual({ version: '1.2.0', chapters: [] });
  });
});

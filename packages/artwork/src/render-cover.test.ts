import { inspectCover } from './cover-image';
import { coverSvg, renderCover } from './render-cover';

const titleLines = (svg: string) =>
  [...svg.matchAll(/<text [^>]*font-weight="700"[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);

describe('renderCover', () => {
  it('renders a square PNG of the requested size that podcast directories accept', async () => {
    for (const sizePx of [1400, 3000]) {
      const png = await renderCover({ title: "Ada's morning briefing", color: '#2f5d8a', sizePx });
      expect(inspectCover(png)).toEqual({
        ok: true,
        image: { mimeType: 'image/png', extension: 'png', sizePx },
      });
    }
  });

  it('is deterministic: the same title and colour give the same bytes, another colour others', async () => {
    const design = { title: 'Canal news', color: '#aa3355' };
    const once = await renderCover(design);
    expect(once.equals(await renderCover(design))).toBe(true);
    expect(once.equals(await renderCover({ ...design, color: '#aa3356' }))).toBe(false);
  });
});

describe('coverSvg', () => {
  it('wraps the title over several lines, words kept whole and in order', () => {
    const title = 'The Congressional Record explained: bills, hearings and the federal budget';
    const lines = titleLines(coverSvg({ title, color: '#f2c14e' }));
    expect(lines.length).toBeGreaterThan(1);
    expect(lines.join(' ')).toBe(title);
  });

  it('cuts a title too long for five lines with an ellipsis', () => {
    const lines = titleLines(coverSvg({ title: 'word '.repeat(200), color: '#000000' }));
    expect(lines).toHaveLength(5);
    expect(lines.at(-1)).toMatch(/…$/);
  });

  it('writes white on dark colours and near-black on light ones', () => {
    expect(coverSvg({ title: 'A', color: '#102040' })).toContain('fill="#ffffff">A</text>');
    expect(coverSvg({ title: 'A', color: '#f2e14e' })).toContain('fill="#141414">A</text>');
  });

  it('escapes markup in the title', () => {
    const svg = coverSvg({ title: 'R & <D>', color: '#123456' });
    expect(svg).toContain('>R &#38; &#60;D&#62;</text>');
    expect(svg).not.toContain('<D>');
  });
});

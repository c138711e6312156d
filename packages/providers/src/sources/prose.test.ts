import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { extractSentences } from '../script/local/sentences';
import { extractArticle } from './article';
import { htmlToText } from './html-text';
import { looksLikeCode, spokenProse } from './prose';
import { resolveTextSource } from './text';

const page = (name: string) =>
  readFileSync(join(__dirname, '..', '..', 'test', 'fixtures', 'pages', `${name}.html`), 'utf8');
const spoken = (text: string) => extractSentences(text).map((s) => s.text);
/** What no spoken sentence may hold: code statements and blocks, footnote marks, table rows. */
const UNSPEAKABLE = /;\s*(?:if|for|while|return)\s*\(|[{}]|\w+\.\w+\s*=[^=]|\[\d+\]|\^ |\w \| \w/;

describe('only prose is spoken, for every source kind (real pages as fixtures)', () => {
  test("zlib's usage example: the C code stays in the document for an LLM, out of every spoken sentence", () => {
    const article = extractArticle(page('zlib-how'));
    // The fragment a host read aloud before: it is still in the text, fenced.
    expect(article.text).toContain('strm.avail_in = fread(in, 1, CHUNK, source);');
    expect(article.text).toMatch(/```code\n[^`]*deflateEnd\(&strm\)/);
    const sentences = spoken(article.text);
    expect(sentences.length).toBeGreaterThan(100);
    expect(sentences.filter((s) => UNSPEAKABLE.test(s) || looksLikeCode(s))).toEqual([]);
    expect(sentences.join(' ')).not.toMatch(/fread\(in|deflateEnd\(\s*(?:&|and )strm/);
    // The prose around the code is kept.
    expect(sentences).toContain('We read input data and set the strm structure accordingly.');
  });

  test('a blog post with code blocks', () => {
    const article = extractArticle(page('readability-v8-blog'));
    expect(article.text).toContain('```code');
    const sentences = spoken(article.text);
    expect(sentences.length).toBeGreaterThan(50);
    expect(sentences.filter((s) => UNSPEAKABLE.test(s) || looksLikeCode(s))).toEqual([]);
  });

  test('Wikipedia: footnote marks, the reference list and tables are not spoken', () => {
    const html = page('readability-wikipedia');
    const article = extractArticle(html);
    const sentences = spoken(article.text);
    expect(sentences.length).toBeGreaterThan(50);
    expect(sentences.filter((s) => UNSPEAKABLE.test(s))).toEqual([]);
    // A reference entry of the page ("^ Eich, Brendan; David Hyatt …") is not spoken.
    expect(html).toContain('mozilla development roadmap');
    expect(sentences.join(' ')).not.toContain('mozilla development roadmap');
    expect(sentences).toContain(
      'Mozilla is a free-software community, created in 1998 by members of Netscape.',
    );
  });

  test('a data table stays as a fenced table for context, its rows never spoken', () => {
    const article = extractArticle(page('readability-keep-tabular-data'));
    const table = /```table\n([^`]*)```/.exec(article.text)?.[1] ?? '';
    const rows = table.trim().split('\n');
    expect(rows.length).toBeGreaterThan(3);
    const cells = rows.flatMap((row) => row.split(' | ')).filter((cell) => cell.split(' ').length >= 3);
    const prose = spokenProse(article.text);
    for (const cell of cells) expect(prose).not.toContain(cell);
    expect(spoken(article.text).length).toBeGreaterThan(50);
  });

  test('feeds and summaries (HTML fragments): pre, tables, navigation and footnote superscripts', () => {
    const text = htmlToText(
      '<nav><a href="/">Home</a> <a href="/news">News</a></nav>' +
        '<p>The parser got twice as fast this year.<sup><a href="#fn1">1</a></sup></p>' +
        '<pre>for (i = 0; i &lt; n; i++) { total += x[i]; }</pre>' +
        '<table><tr><th>Year</th><th>Speed</th></tr><tr><td>2025</td><td>1x</td></tr></table>' +
        '<p>Users noticed the difference at once.</p>',
    );
    expect(text).not.toMatch(/Home|News/);
    expect(text).toContain('```code\nfor (i = 0;');
    expect(text).toContain('```table\nYear | Speed\n2025 | 1x\n```');
    expect(spoken(text)).toEqual([
      'The parser got twice as fast this year.',
      'Users noticed the difference at once.',
    ]);
  });

  test('text sources: Markdown fences and table rows are context only', () => {
    const doc = resolveTextSource({
      title: 'Notes',
      text: [
        'Caching halves the response time for most requests.',
        '```js',
        'const cache = new Map();',
        'cache.set(key, value);',
        '```',
        '| metric | before | after |',
        '| p50 | 40 ms | 20 ms |',
        'The cache is emptied every night at three.[2]',
      ].join('\n'),
    });
    expect(doc.text).toContain('cache.set(key, value);');
    expect(spoken(doc.text)).toEqual([
      'Caching halves the response time for most requests.',
      'The cache is emptied every night at three.',
    ]);
  });
});

describe('looksLikeCode', () => {
  test.each([
    'strm.avail_in = fread(in, 1, CHUNK, source);',
    'if (ferror(source)) {',
    '#include <stdio.h>',
    'return ret;',
    'console.log(result.value)',
    'x = y + 1',
  ])('code: %s', (line) => expect(looksLikeCode(line)).toBe(true));

  test.each([
    'The function returns Z_OK (zero) when it succeeds.',
    'Prices rose 3% in May (the most since 2022).',
    'She said: "We are not done yet."',
    'In this case, we cannot assert that strm.avail_in will be zero.',
  ])('prose: %s', (line) => expect(looksLikeCode(line)).toBe(false));
});

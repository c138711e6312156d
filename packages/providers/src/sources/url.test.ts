import type { ServerResponse } from 'node:http';
import { type FakeServer, startHttpServer } from '@podfleet/test-kit';
import { ProviderError } from '../types';
import type { SourceContext } from './context';
import { contentHash } from './document';
import { resolveSource } from './index';

const ARTICLE = `<!doctype html><html><head>
  <title>Harbor reopens | City News</title>
  <meta property="article:published_time" content="2024-03-05T09:30:00-05:00">
</head><body>
  <nav><a href="/">Home</a> <a href="/sports">Sports</a> <a href="/weather">Weather</a></nav>
  <article>
    <h1>Harbor reopens after two-year restoration</h1>
    <p>The city harbor reopened on Tuesday after a two-year restoration that rebuilt the sea wall, replaced
    the old wooden piers with concrete ones and dredged the main channel so larger ferries can dock again.</p>
    <p>Officials said the project finished under budget. The harbor master told reporters that ferry service
    to the islands will resume next week, with four crossings a day during the summer season.</p>
    <p>Local businesses welcomed the news. Several restaurants on the waterfront closed during construction,
    and their owners said they expect the returning foot traffic to bring back seasonal jobs.</p>
  </article>
  <footer>Copyright City News. Subscribe to our newsletter.</footer>
</body></html>`;

let server: FakeServer;
const pages: Record<string, (res: ServerResponse) => void> = {
  '/article': (res) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(ARTICLE),
  '/latin1': (res) =>
    res
      .writeHead(200, { 'content-type': 'text/html' })
      .end(
        Buffer.from(
          `<html><head><meta charset="iso-8859-1"><title>Caf\xe9</title></head><body><article><p>${'Cr\xe8me br\xfbl\xe9e at the caf\xe9. '.repeat(30)}</p></article></body></html>`,
          'latin1',
        ),
      ),
  '/notes.txt': (res) =>
    res.writeHead(200, { 'content-type': 'text/plain' }).end('Plain notes.\n\nSecond paragraph.'),
  '/empty': (res) =>
    res
      .writeHead(200, { 'content-type': 'text/html' })
      .end('<html><head><title>Nothing</title></head><body><script>1</script></body></html>'),
  '/image': (res) => res.writeHead(200, { 'content-type': 'image/jpeg' }).end(Buffer.alloc(10)),
};
beforeAll(async () => {
  server = await startHttpServer((req, res) => {
    const page = pages[req.url];
    if (page) return page(res);
    res.writeHead(404).end();
  });
});
afterAll(() => server.close());

const ctx: SourceContext = {
  fetch: { allowPrivate: true, timeoutMs: 5_000 },
  congress: { baseUrl: 'http://127.0.0.1:9/v3' },
};

describe('url source', () => {
  it('extracts the main content, title and published date', async () => {
    const [doc] = await resolveSource({ kind: 'url', url: `${server.url}/article` }, ctx);
    expect(doc).toMatchObject({
      kind: 'url',
      url: `${server.url}/article`,
      publishedAt: '2024-03-05T14:30:00.000Z',
    });
    expect(doc?.title).toMatch(/Harbor reopens/);
    expect(doc?.text).toContain('The city harbor reopened on Tuesday');
    expect(doc?.text).toContain('seasonal jobs.');
    expect(doc?.text).not.toMatch(/Subscribe|Sports/);
    expect(doc?.text.split('\n\n').length).toBeGreaterThanOrEqual(3);
    expect(doc?.contentHash).toBe(contentHash(doc?.text ?? ''));
  });

  it('decodes the charset the page declares', async () => {
    const [doc] = await resolveSource({ kind: 'url', url: `${server.url}/latin1` }, ctx);
    expect(doc?.text).toContain('Crème brûlée at the café.');
  });

  it('takes text/plain as it is', async () => {
    const [doc] = await resolveSource({ kind: 'url', url: `${server.url}/notes.txt` }, ctx);
    expect(doc).toMatchObject({
      text: 'Plain notes.\n\nSecond paragraph.',
      title: '127.0.0.1: notes.txt',
      publishedAt: null,
    });
  });

  it('calls a page without content SOURCE_EMPTY', async () => {
    await expect(resolveSource({ kind: 'url', url: `${server.url}/empty` }, ctx)).rejects.toMatchObject({
      code: 'SOURCE_EMPTY',
      retryable: false,
    });
  });

  it('refuses a non-text content type', async () => {
    await expect(resolveSource({ kind: 'url', url: `${server.url}/image` }, ctx)).rejects.toMatchObject({
      code: 'SOURCE_INVALID',
    });
  });

  it('goes through the SSRF guard unless private addresses are allowed', async () => {
    const err = await resolveSource(
      { kind: 'url', url: `${server.url}/article` },
      { ...ctx, fetch: { timeoutMs: 5_000 } },
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err).toMatchObject({ code: 'SOURCE_FORBIDDEN' });
  });
});

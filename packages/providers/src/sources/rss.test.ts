import type { ServerResponse } from 'node:http';
import { type FakeServer, startHttpServer } from '@podfleet/test-kit';
import type { SourceContext } from './context';
import { resolveSource } from './index';

const long = (topic: string) =>
  `<p>${topic} ${'This paragraph carries enough detail to stand on its own as the body of a feed item. '.repeat(6)}</p>`;

const rss2 = (base: string) => `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel><title>Example News</title><link>${base}/</link>
  <item><title>Oldest story</title><link>${base}/a/1</link><pubDate>Mon, 01 Jan 2024 10:00:00 GMT</pubDate>
    <description>${escapeXml(long('Oldest.'))}</description></item>
  <item><title>Newest story</title><link>${base}/a/3</link><pubDate>Wed, 03 Jan 2024 10:00:00 +0000</pubDate>
    <description>Short teaser that should lose to content:encoded.</description>
    <content:encoded><![CDATA[${long('Newest.')}<script>bad()</script>]]></content:encoded></item>
  <item><title>Middle &amp; story&#8217;s</title><link>/a/2</link><dc:date>2024-01-02T10:00:00Z</dc:date>
    <description>${escapeXml(long('Middle.'))}</description></item>
</channel></rss>`;

const atom = (base: string) => `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title type="html">Atom &lt;b&gt;Feed&lt;/b&gt;</title>
  <entry><title>Full entry</title><link rel="alternate" href="${base}/e/1"/><link rel="edit" href="${base}/edit/1"/>
    <updated>2024-05-01T00:00:00Z</updated><content type="html">${escapeXml(long('Full entry.'))}</content></entry>
  <entry><title type="html">Teaser &lt;em&gt;only&lt;/em&gt;</title><link href="${base}/e/2"/>
    <published>2024-05-02T00:00:00Z</published><summary>Just a teaser.</summary></entry>
  <entry><title>XHTML entry</title><link href="${base}/e/3"/><updated>2024-04-01T00:00:00Z</updated>
    <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>First xhtml paragraph.</p><p>Second xhtml paragraph.</p></div></content></entry>
</feed>`;

const PAGE = `<html><head><title>Linked page</title><meta property="article:published_time" content="2024-05-02T08:00:00Z"></head>
<body><article><h1>Teaser only</h1>${long('Fetched from the linked page.')}${long('More of the page.')}</article></body></html>`;

function escapeXml(html: string): string {
  return html.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

let server: FakeServer;
let routes: Record<string, (res: ServerResponse) => void> = {};
beforeAll(async () => {
  server = await startHttpServer((req, res) => {
    const route = routes[req.url];
    if (route) return route(res);
    res.writeHead(404).end();
  });
});
afterAll(() => server.close());
beforeEach(() => {
  routes = {};
  server.requests.length = 0;
});

const send = (type: string, body: string) => (res: ServerResponse) =>
  void res.writeHead(200, { 'content-type': type }).end(body);
const warnings: string[] = [];
const ctx: SourceContext = {
  fetch: { allowPrivate: true, timeoutMs: 5_000 },
  congress: { baseUrl: 'http://127.0.0.1:9/v3' },
  log: { warn: (_fields, message) => void warnings.push(message) },
};

describe('rss source', () => {
  it('reads RSS 2.0: newest maxItems first, content:encoded preferred, HTML stripped', async () => {
    routes['/feed.xml'] = send('application/rss+xml; charset=utf-8', rss2(server.url));
    const docs = await resolveSource({ kind: 'rss', url: `${server.url}/feed.xml`, maxItems: 2 }, ctx);
    expect(docs.map((d) => d.title)).toEqual(['Newest story', 'Middle & story’s']);
    expect(docs[0]).toMatchObject({
      kind: 'rss',
      url: `${server.url}/a/3`,
      publishedAt: '2024-01-03T10:00:00.000Z',
    });
    expect(docs[0]?.text).toMatch(/^Newest\. This paragraph/);
    expect(docs[0]?.text).not.toMatch(/teaser|bad\(\)|<p>/);
    expect(docs[1]).toMatchObject({ url: `${server.url}/a/2`, publishedAt: '2024-01-02T10:00:00.000Z' });
    expect(server.requests.map((r) => r.url)).toEqual(['/feed.xml']); // full items: no page fetched
  });

  it('reads Atom, fetching the linked page of a teaser-only entry', async () => {
    routes['/atom'] = send('application/atom+xml', atom(server.url));
    routes['/e/2'] = send('text/html', PAGE);
    const docs = await resolveSource({ kind: 'rss', url: `${server.url}/atom`, maxItems: 5 }, ctx);
    expect(docs.map((d) => d.title)).toEqual(['Teaser only', 'Full entry', 'XHTML entry']);
    expect(docs[0]?.text).toContain('Fetched from the linked page.');
    expect(docs[0]?.text).toContain('More of the page.');
    expect(docs[0]?.publishedAt).toBe('2024-05-02T00:00:00.000Z');
    expect(docs[1]?.text).toMatch(/^Full entry\./);
    expect(docs[2]?.text).toBe('First xhtml paragraph.\n\nSecond xhtml paragraph.');
    // The short XHTML entry's page (/e/3) is tried too; it 404s and the entry keeps its own text.
    expect(server.requests.map((r) => r.url).sort()).toEqual(['/atom', '/e/2', '/e/3']);
  });

  it('keeps the teaser when the linked page fails, and skips an item with nothing', async () => {
    warnings.length = 0;
    routes['/feed'] = send(
      'text/xml',
      `<rss version="2.0"><channel><title>T</title>
        <item><title>Teaser, page gone</title><link>${server.url}/gone</link><description>A short teaser.</description></item>
        <item><title>Nothing at all</title><link>${server.url}/gone-too</link></item>
        <item><title>Full</title><description>${escapeXml(long('Full.'))}</description></item>
      </channel></rss>`,
    );
    const docs = await resolveSource({ kind: 'rss', url: `${server.url}/feed`, maxItems: 5 }, ctx);
    expect(docs.map((d) => [d.title, d.text.slice(0, 15)])).toEqual([
      ['Teaser, page gone', 'A short teaser.'],
      ['Full', 'Full. This para'],
    ]);
    expect(warnings).toEqual(
      expect.arrayContaining(['feed item skipped', 'feed item page unreadable, using its summary']),
    );
  });

  it('fails the feed only when every item fails; retryable when a cause is', async () => {
    routes['/feed'] = send(
      'application/rss+xml',
      `<rss><channel><item><title>x</title><link>${server.url}/down</link></item></channel></rss>`,
    );
    routes['/down'] = (res) => void res.writeHead(503, { 'retry-after': '30' }).end();
    await expect(
      resolveSource({ kind: 'rss', url: `${server.url}/feed`, maxItems: 5 }, ctx),
    ).rejects.toMatchObject({
      code: 'SOURCE_UNREACHABLE',
      retryable: true,
      retryAfterMs: 30_000,
    });
    routes['/down'] = (res) => void res.writeHead(404).end();
    await expect(
      resolveSource({ kind: 'rss', url: `${server.url}/feed`, maxItems: 5 }, ctx),
    ).rejects.toMatchObject({ code: 'SOURCE_EMPTY', retryable: false });
  });

  it('reads an item whose escaped HTML holds thousands of entity references', async () => {
    const body = escapeXml('<p>Markets &amp; weather.</p>'.repeat(3_000));
    routes['/big'] = send(
      'application/rss+xml',
      `<rss><channel><item><title>Big</title><description>${body}</description></item></channel></rss>`,
    );
    const [doc] = await resolveSource({ kind: 'rss', url: `${server.url}/big`, maxItems: 1 }, ctx);
    expect(doc?.text.split('\n\n')).toHaveLength(3_000);
    expect(doc?.text.startsWith('Markets & weather.')).toBe(true);
  });

  it('counts future-dated items as published now', async () => {
    routes['/feed'] = send(
      'application/rss+xml',
      `<rss><channel>
        <item><title>Claims the future</title><pubDate>Fri, 01 Jan 2100 00:00:00 GMT</pubDate><description>${escapeXml(long('Future.'))}</description></item>
        <item><title>Really newest</title><pubDate>Sat, 01 Jun 2024 00:00:00 GMT</pubDate><description>${escapeXml(long('Now.'))}</description></item>
      </channel></rss>`,
    );
    const docs = await resolveSource(
      { kind: 'rss', url: `${server.url}/feed`, maxItems: 2 },
      { ...ctx, now: () => new Date('2024-06-01T00:00:00Z') },
    );
    expect(docs.map((d) => d.title)).toEqual(['Claims the future', 'Really newest']); // tie at "now": feed order
  });

  it('rejects an empty feed, a non-feed and a non-XML content type', async () => {
    routes['/empty'] = send(
      'application/rss+xml',
      '<rss version="2.0"><channel><title>Quiet</title></channel></rss>',
    );
    routes['/html'] = send('application/xml', '<html><body>hi</body></html>');
    routes['/json'] = send('application/json', '{}');
    const spec = (path: string) => ({ kind: 'rss' as const, url: `${server.url}${path}`, maxItems: 5 });
    await expect(resolveSource(spec('/empty'), ctx)).rejects.toMatchObject({ code: 'SOURCE_EMPTY' });
    await expect(resolveSource(spec('/html'), ctx)).rejects.toMatchObject({ code: 'SOURCE_INVALID' });
    await expect(resolveSource(spec('/json'), ctx)).rejects.toMatchObject({ code: 'SOURCE_INVALID' });
  });

  it('refuses an item link to a private address when private addresses are not allowed', async () => {
    // The feed itself comes through an allowHosts entry; the teaser's link points at loopback.
    routes['/feed'] = send(
      'application/rss+xml',
      `<rss><channel><item><title>x</title><link>http://127.0.0.1:${new URL(server.url).port}/secret</link><description>Teaser.</description></item></channel></rss>`,
    );
    const guarded: SourceContext = {
      ...ctx,
      fetch: {
        timeoutMs: 5_000,
        allowHosts: ['feeds.test'],
        resolve: async () => [{ address: '127.0.0.1', family: 4 }],
      },
    };
    const docs = await resolveSource(
      { kind: 'rss', url: `http://feeds.test:${new URL(server.url).port}/feed`, maxItems: 1 },
      guarded,
    );
    expect(docs[0]?.text).toBe('Teaser.');
    expect(server.requests.map((r) => r.url)).toEqual(['/feed']);
  });
});

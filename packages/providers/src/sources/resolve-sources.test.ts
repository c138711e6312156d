import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { type FakeServer, startHttpServer } from '@podfleet/test-kit';
import { sourceDocumentSchema, sourceSpecSchema } from '../types';
import type { SourceContext } from './context';
import { resolveSources, sampleEpisodeSources, sampleSourcesDir } from './index';

let server: FakeServer;
beforeAll(async () => {
  server = await startHttpServer((req, res) => {
    if (req.url === '/samples/feed.xml') {
      return void res
        .writeHead(200, { 'content-type': 'application/rss+xml' })
        .end(readFileSync(join(sampleSourcesDir, 'feed.xml')));
    }
    if (req.url === '/busy') return void res.writeHead(503, { 'retry-after': '5' }).end();
    res.writeHead(404).end();
  });
});
afterAll(() => server.close());

const warnings: Array<Record<string, unknown>> = [];
const ctx: SourceContext = {
  fetch: { allowPrivate: true, timeoutMs: 5_000 },
  congress: { baseUrl: 'http://127.0.0.1:9/v3' },
  log: { warn: (fields) => void warnings.push(fields) },
};

describe('resolveSources', () => {
  it('resolves inline text with a sha256 content hash, dropping duplicates', async () => {
    const docs = await resolveSources(
      [
        { kind: 'text', title: ' Note ', text: '  Hello\r\n\r\n\r\nworld  ' },
        { kind: 'text', title: 'Same text again', text: 'Hello\n\nworld' },
      ],
      ctx,
    );
    expect(docs).toEqual([
      {
        kind: 'text',
        title: 'Note',
        url: null,
        publishedAt: null,
        text: 'Hello\n\nworld',
        contentHash: '1ed44dc8048c17985fdcf9fbff0471c9bc3eff9eb06cfa57554ac522bba637d6', // printf 'Hello\n\nworld' | sha256sum
      },
    ]);
  });

  it('skips a source that fails for good while others resolve, and logs it', async () => {
    warnings.length = 0;
    const docs = await resolveSources(
      [
        { kind: 'url', url: `${server.url}/missing` },
        { kind: 'text', title: 'Kept', text: 'Some text.' },
      ],
      ctx,
    );
    expect(docs.map((d) => d.title)).toEqual(['Kept']);
    expect(warnings).toEqual([expect.objectContaining({ source: `url: ${server.url}/missing` })]);
  });

  it('throws a retryable failure even when other sources resolve', async () => {
    await expect(
      resolveSources(
        [
          { kind: 'text', title: 'Kept', text: 'Some text.' },
          { kind: 'url', url: `${server.url}/busy` },
        ],
        ctx,
      ),
    ).rejects.toMatchObject({ code: 'SOURCE_UNREACHABLE', retryable: true, retryAfterMs: 5_000 });
  });

  it('throws the first failure when nothing resolves', async () => {
    await expect(resolveSources([{ kind: 'url', url: `${server.url}/missing` }], ctx)).rejects.toMatchObject({
      code: 'SOURCE_UNREACHABLE',
      retryable: false,
    });
    await expect(resolveSources([], ctx)).rejects.toMatchObject({ code: 'SOURCE_EMPTY' });
  });
});

describe('bundled samples', () => {
  it('are small', () => {
    const bytes = readdirSync(sampleSourcesDir).reduce(
      (sum, f) => sum + statSync(join(sampleSourcesDir, f)).size,
      0,
    );
    expect(bytes).toBeLessThan(60 * 1024);
  });

  it('make valid specs that resolve offline into enough material for a 3-minute episode', async () => {
    const specs = sampleEpisodeSources(`${server.url}/`);
    for (const spec of specs) expect(sourceSpecSchema.safeParse(spec).success).toBe(true);
    expect(specs.at(-1)).toEqual({ kind: 'rss', url: `${server.url}/samples/feed.xml`, maxItems: 4 });

    // Item links point at nasa.gov: record any lookup to prove no item page is fetched.
    const lookedUp: string[] = [];
    const offline: SourceContext = {
      ...ctx,
      fetch: {
        ...ctx.fetch,
        resolve: async (host) => {
          lookedUp.push(host);
          throw Object.assign(new Error('offline'), { code: 'ENOTFOUND' });
        },
      },
    };
    const docs = await resolveSources(specs, offline);
    expect(lookedUp).toEqual([]);
    expect(docs.map((d) => d.kind)).toEqual(['text', 'text', 'text', 'rss', 'rss', 'rss', 'rss']);
    for (const doc of docs) {
      expect(sourceDocumentSchema.safeParse(doc).success).toBe(true);
      expect(doc.text.split(/\s+/).length).toBeGreaterThan(200);
    }
    expect(docs[0]?.title).toBe('H.R. 3076 (117th Congress): Postal Service Reform Act of 2022');
    expect(docs[3]?.title).toBe('Ingenuity, the first aircraft on another planet, ends its mission'); // newest item first
  });
});

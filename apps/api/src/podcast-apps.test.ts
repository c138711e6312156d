// What a podcast app sees: a feed of two real episodes (the real stages, espeak + ffmpeg audio),
// fetched without headers and read by two real parsers, podcast-partytime (the Podcast Index's)
// and rss-parser; then every link in it followed as an app would.
import { inspectCover } from '@podfleet/artwork';
import { makeTempDir, waitFor } from '@podfleet/test-kit';
import NodeID3 from 'node-id3';
import { parseFeed } from 'podcast-partytime';
import Parser from 'rss-parser';
import request from 'supertest';
import { startTestFleet, type TestFleet } from '../test/fleet';
import { bearer, startTestApi, type TestApi, testEnv } from '../test/harness';

const env = testEnv(process.env, 'podcast-apps');
let t: TestApi;
let fleet: TestFleet;
let base: string;
let cache: Awaited<ReturnType<typeof makeTempDir>>;
let feedXml: string;
let feedUrl: string;

const source = (title: string, text: string) => ({ kind: 'text', title, text });
const EPISODES = [
  [
    source(
      'The river cleanup',
      'Volunteers removed four tons of plastic from the river on Saturday. The city council thanked them. Organisers plan a second cleanup in the spring.',
    ),
    source(
      'New tram line',
      'The new tram line opens next month with twelve stops. It links the station to the hospital. Tickets cost the same as the bus.',
    ),
  ],
  [
    source(
      'Library hours',
      'The central library will open on Sundays from January. Staff say families asked for it. The reading room gets new lamps as well.',
    ),
    source(
      'Harbour repairs',
      'Repairs to the harbour wall start in March and take a year. Fishing boats will moor at the north quay meanwhile.',
    ),
  ],
];

/** A URL of the feed, fetched as an app would (no headers), from this test's server. */
const follow = (url: string) => fetch(url.replace(/^https?:\/\/[^/]+/, base));

beforeAll(async () => {
  cache = await makeTempDir('podfleet-podcast-apps-tts-');
  t = await startTestApi(env);
  base = await t.listen();
  fleet = await startTestFleet(env, t.api.pipeline, { kind: 'real', cacheDir: cache.dir });
  const { key } = await t.createUser();
  await request(t.app)
    .patch('/v1/me/podcast')
    .set(bearer(key))
    .send({
      title: 'Town Hall Daily',
      color: '#2f5d8a',
      author: 'Ada',
      ownerEmail: 'ada@example.test',
      category: 'News',
      subcategory: 'Daily News',
    })
    .expect(200);
  const jobIds: string[] = [];
  for (const sources of EPISODES) {
    const ticket = await request(t.app)
      .post('/v1/episodes')
      .set(bearer(key))
      .send({ type: 'custom', sources, style: { targetMinutes: 0.5 } })
      .expect(202);
    jobIds.push(ticket.body.jobId);
  }
  for (const id of jobIds) {
    await waitFor(
      async () => {
        const job = await request(t.app).get(`/v1/jobs/${id}`).set(bearer(key));
        if (job.body.status === 'failed')
          throw new Error(`job ${id} failed: ${JSON.stringify(job.body.error)}`);
        return job.body.status === 'completed';
      },
      { timeoutMs: 150_000, what: `job ${id} to complete` },
    );
  }
  const me = await request(t.app).get('/v1/me').set(bearer(key)).expect(200);
  feedUrl = me.body.feedUrl;
  const res = await follow(feedUrl);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('application/rss+xml; charset=utf-8');
  feedXml = await res.text();
}, 200_000);

afterAll(async () => {
  await fleet?.close();
  await t?.close();
  await cache?.remove();
});

describe('read by podcast-partytime', () => {
  it('finds the show: title, artwork, category, author, owner, language, guid, locked', () => {
    const feed = parseFeed(feedXml);
    if (!feed) throw new Error('podcast-partytime could not read the feed');
    expect(feed.title).toBe('Town Hall Daily');
    expect(feed.itunesImage).toMatch(/\/cover\.png\?v=[0-9a-f]{16}$/);
    expect(feed.image?.url).toBe(feed.itunesImage);
    expect(feed.itunesCategory).toEqual(['News > Daily News']);
    expect(feed.author).toBe('Ada');
    expect(feed.owner).toEqual({ name: 'Ada', email: 'ada@example.test' });
    expect(feed.language).toBe('en');
    expect(feed.guid).toMatch(/^[0-9a-f-]{36}$/);
    expect(feed.locked).toBe(true); // partytime reads the lock only with its owner e-mail
    expect(feed.explicit).toBe(false);
    expect(feed.items).toHaveLength(2);
  });

  it('has artwork that answers a square PNG of 1400–3000 px', async () => {
    const feed = parseFeed(feedXml);
    const cover = await follow(feed?.itunesImage ?? '');
    expect(cover.status).toBe(200);
    expect(cover.headers.get('content-type')).toBe('image/png');
    const check = inspectCover(Buffer.from(await cover.arrayBuffer()));
    expect(check).toMatchObject({ ok: true, image: { mimeType: 'image/png' } });
    if (check.ok) {
      expect(check.image.sizePx).toBeGreaterThanOrEqual(1400);
      expect(check.image.sizePx).toBeLessThanOrEqual(3000);
    }
  });

  it("gives every episode an enclosure whose length is the file's bytes, and its duration in seconds", async () => {
    const feed = parseFeed(feedXml);
    for (const item of feed?.items ?? []) {
      const audio = await follow(item.enclosure.url);
      expect(audio.status).toBe(200);
      expect(audio.headers.get('content-type')).toBe(item.enclosure.type);
      expect((await audio.arrayBuffer()).byteLength).toBe(item.enclosure.length);
      expect(item.duration).toBeGreaterThan(5);
      expect(item.itunesEpisodeType).toBe('full');
      expect(item.description).toMatch(/^[A-Z].*[.!?]$/s);
    }
  });

  it('links transcripts (WebVTT as captions, JSON) and chapters that answer their types', async () => {
    const feed = parseFeed(feedXml);
    for (const item of feed?.items ?? []) {
      const transcripts = item.podcastTranscripts ?? [];
      expect(transcripts.map((tr) => [tr.type, tr.rel])).toEqual([
        ['text/vtt', 'captions'],
        ['application/json', undefined],
      ]);
      for (const transcript of transcripts) {
        const res = await follow(transcript.url);
        expect(res.status).toBe(200);
        expect(res.headers.get('content-type')?.split(';')[0]).toBe(transcript.type);
        const text = await res.text();
        if (transcript.type === 'text/vtt') expect(text).toMatch(/^WEBVTT\n/);
        else expect(JSON.parse(text).segments.length).toBeGreaterThan(1);
      }
      expect(item.podcastChapters?.type).toBe('application/json+chapters');
      const chapters = await follow(item.podcastChapters?.url ?? '');
      expect(chapters.status).toBe(200);
      expect(chapters.headers.get('content-type')?.split(';')[0]).toBe('application/json+chapters');
    }
  });

  it("has chapters whose start times are the MP3's ID3 chapters", async () => {
    const feed = parseFeed(feedXml);
    for (const item of feed?.items ?? []) {
      const mp3 = Buffer.from(await (await follow(item.enclosure.url)).arrayBuffer());
      const id3 = NodeID3.read(mp3).chapter ?? [];
      const json = (await (await follow(item.podcastChapters?.url ?? '')).json()) as {
        chapters: Array<{ startTime: number; title: string }>;
      };
      expect(id3.length).toBeGreaterThanOrEqual(4); // intro, one per source, wrap-up
      expect(json.chapters.map((c) => Math.round(c.startTime * 1000))).toEqual(id3.map((c) => c.startTimeMs));
      expect(json.chapters.map((c) => c.title)).toEqual(id3.map((c) => c.tags?.title));
    }
  });
});

describe('read by rss-parser', () => {
  it('finds the same show, artwork, categories and enclosures', async () => {
    const parser = new Parser<
      Record<string, unknown>,
      { 'podcast:transcript'?: unknown; itunes: { duration?: string } }
    >({
      customFields: { item: [['podcast:transcript', 'podcast:transcript', { keepArray: true }]] },
    });
    const feed = await parser.parseString(feedXml);
    expect(feed.title).toBe('Town Hall Daily');
    expect(new URL(feed.feedUrl ?? '').pathname).toBe(new URL(feedUrl).pathname);
    const itunes = feed.itunes as {
      image?: string;
      categories?: string[];
      author?: string;
      explicit?: string;
    };
    expect(itunes.image).toBe(parseFeed(feedXml)?.itunesImage);
    expect(itunes.categories).toEqual(['News']);
    expect(itunes.author).toBe('Ada');
    expect(itunes.explicit).toBe('false');
    expect(feed.items).toHaveLength(2);
    for (const item of feed.items) {
      const length = Number(item.enclosure?.length);
      const audio = await follow(item.enclosure?.url ?? '');
      expect((await audio.arrayBuffer()).byteLength).toBe(length);
      expect(item.itunes.duration).toMatch(/^\d+$/);
      expect(item['podcast:transcript']).toHaveLength(2);
    }
  });
});

import { readFile } from 'node:fs/promises';
import { sampleFeedPath } from '@podfleet/providers';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import request from 'supertest';
import { makeEpisode } from '../testing/fixtures';
import { bearer, startTestApi, type TestApi, testEnv } from '../testing/harness';

const NOW = new Date('2026-11-26T12:00:00Z');
const HOUR = 3_600_000;

let t: TestApi;
let base: string;
beforeAll(async () => {
  t = await startTestApi(testEnv(process.env, 'feeds'), { clock: () => NOW });
  base = await t.listen();
});
afterAll(() => t.close());

const parse = (xml: string) =>
  new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', parseTagValue: false }).parse(xml);

/** Items as a list (the parser gives a lone item as an object). */
const itemsOf = (doc: { rss: { channel: { item?: unknown } } }) => {
  const item = doc.rss.channel.item;
  return (item === undefined ? [] : Array.isArray(item) ? item : [item]) as Array<Record<string, unknown>>;
};

/** What a podcast app does: a plain GET, no headers. */
const fetchPlain = (url: string) => fetch(url, { redirect: 'manual' });

describe('GET /v1/feeds/:token.xml', () => {
  it("is the user's podcast: RSS 2.0 + iTunes, unexpired episodes newest first, enclosures that play without auth", async () => {
    const { user, key } = await t.createUser();
    const old = await makeEpisode(t.db, t.storage, user.id, { title: 'Older', expiresAt: null });
    await makeEpisode(t.db, t.storage, user.id, {
      title: 'Expired',
      expiresAt: new Date(NOW.getTime() - HOUR),
    });
    const latest = await makeEpisode(t.db, t.storage, user.id, {
      title: 'Canals & <locks>',
      type: 'daily',
      localDate: '2026-11-26',
      expiresAt: new Date(NOW.getTime() + 24 * HOUR),
      audio: Buffer.from('ID3 latest episode bytes'),
    });
    const other = await t.createUser();
    await makeEpisode(t.db, t.storage, other.user.id, { title: 'Not yours' });

    const me = await request(t.app).get('/v1/me').set(bearer(key)).expect(200);
    const feedUrl = new URL(me.body.feedUrl);
    expect(feedUrl.pathname).toBe(`/v1/feeds/${user.feedToken}.xml`);

    const res = await fetchPlain(`${base}${feedUrl.pathname}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/rss+xml; charset=utf-8');
    const xml = await res.text();
    expect(XMLValidator.validate(xml)).toBe(true);
    const doc = parse(xml);
    expect(doc.rss['@version']).toBe('2.0');
    expect(doc.rss['@xmlns:itunes']).toBe('http://www.itunes.com/dtds/podcast-1.0.dtd');
    const items = itemsOf(doc);
    expect(items.map((i) => i.title)).toEqual(['Canals & <locks>', 'Older']);

    const [first, second] = items;
    const guid = (i: Record<string, unknown>) => {
      const g = i.guid as string | { '#text': string };
      return typeof g === 'string' ? g : g['#text'];
    };
    expect(guid(first!)).toBe(latest.episode.id);
    expect(guid(second!)).toBe(old.episode.id);
    expect(new Date(first!.pubDate as string).getTime()).toBe(
      Math.floor(latest.episode.createdAt.getTime() / 1000) * 1000,
    );
    expect(first!['itunes:duration']).toBe('01:02:07');
    const enclosure = first!.enclosure as Record<string, string>;
    expect(enclosure).toMatchObject({
      '@length': String(latest.audio.length),
      '@type': 'audio/mpeg',
    });
    expect(enclosure['@url']).toMatch(new RegExp(`/v1/episodes/${latest.episode.id}/audio\\?exp=\\d+&sig=`));

    // The enclosure downloads the MP3 with no Authorization header.
    const mp3 = await fetchPlain(enclosure['@url']!);
    expect(mp3.status).toBe(200);
    expect(mp3.headers.get('content-type')).toBe('audio/mpeg');
    expect(Buffer.from(await mp3.arrayBuffer())).toEqual(latest.audio);
    // …and a tampered signature does not.
    expect((await fetchPlain(enclosure['@url']!.replace(/sig=./, 'sig=x'))).status).toBe(403);
  });

  it('uses PUBLIC_BASE_URL for the feed URL and its links', async () => {
    const hosted = await startTestApi(testEnv(process.env, 'feeds-public'), {
      clock: () => NOW,
      settings: { publicBaseUrl: 'https://pods.example.test' },
    });
    try {
      const { user, key } = await hosted.createUser();
      await makeEpisode(hosted.db, hosted.storage, user.id);
      const me = await request(hosted.app).get('/v1/me').set(bearer(key)).expect(200);
      expect(me.body.feedUrl).toBe(`https://pods.example.test/v1/feeds/${user.feedToken}.xml`);
      const feed = await request(hosted.app).get(`/v1/feeds/${user.feedToken}.xml`).expect(200);
      const enclosure = itemsOf(parse(feed.text))[0]?.enclosure as Record<string, string> | undefined;
      expect(enclosure?.['@url']).toMatch(/^https:\/\/pods\.example\.test\/v1\/episodes\//);
    } finally {
      await hosted.close();
    }
  });

  it('an empty feed is still a valid podcast', async () => {
    const { user } = await t.createUser();
    const res = await request(t.app).get(`/v1/feeds/${user.feedToken}.xml`).expect(200);
    const doc = parse(res.text);
    expect(doc.rss.channel.title).toBeDefined();
    expect(itemsOf(doc)).toEqual([]);
  });

  it('is 404 for an unknown token, and for the old URL once the token is rotated', async () => {
    const unknown = await request(t.app)
      .get('/v1/feeds/00000000-0000-4000-8000-000000000000.xml')
      .expect(404);
    expect(unknown.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(unknown.body).toMatchObject({ type: 'urn:podfleet:problem:not-found', detail: 'feed not found' });

    const { key } = await t.createUser();
    const before = await request(t.app).get('/v1/me').set(bearer(key)).expect(200);
    const oldPath = new URL(before.body.feedUrl).pathname;
    expect((await fetchPlain(`${base}${oldPath}`)).status).toBe(200);
    const rotated = await request(t.app).post('/v1/me/feed-token').set(bearer(key)).expect(200);
    const newPath = new URL(rotated.body.feedUrl).pathname;
    expect(newPath).not.toBe(oldPath);
    expect((await fetchPlain(`${base}${oldPath}`)).status).toBe(404);
    expect((await fetchPlain(`${base}${newPath}`)).status).toBe(200);
  });
});

describe('GET /samples/feed.xml', () => {
  it('serves the bundled sample feed as RSS, without auth', async () => {
    const res = await fetchPlain(`${base}/samples/feed.xml`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/rss+xml; charset=utf-8');
    const xml = await res.text();
    expect(xml).toBe(await readFile(sampleFeedPath, 'utf8'));
    expect(itemsOf(parse(xml)).length).toBeGreaterThan(0);
  });
});

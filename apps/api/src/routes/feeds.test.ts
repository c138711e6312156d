import { readFile } from 'node:fs/promises';
import { inspectCover } from '@podfleet/artwork';
import { sampleFeedPath } from '@podfleet/providers';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import request from 'supertest';
import { makeEpisode } from '../../test/fixtures';
import { bearer, startTestApi, type TestApi, testEnv } from '../../test/harness';

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
    expect(first!['itunes:duration']).toBe('3727');
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

describe('conditional GETs of a feed', () => {
  it('answers 304 to If-None-Match or If-Modified-Since while the feed is unchanged, 200 once it changes', async () => {
    const { user, key } = await t.createUser();
    await makeEpisode(t.db, t.storage, user.id, { title: 'First', expiresAt: null });
    const url = `${base}/v1/feeds/${user.feedToken}.xml`;
    const first = await fetchPlain(url);
    expect(first.status).toBe(200);
    const etag = first.headers.get('etag');
    const lastModified = first.headers.get('last-modified');
    expect(etag).toMatch(/^"[\w-]+"$/);
    expect(lastModified).toBeTruthy();
    const body = await first.text();

    const again = await fetchPlain(url);
    expect(again.headers.get('etag')).toBe(etag);
    expect(await again.text()).toBe(body); // the same bytes: signed URLs do not change per fetch
    expect((await fetch(url, { headers: { 'If-None-Match': etag ?? '' } })).status).toBe(304);
    expect((await fetch(url, { headers: { 'If-Modified-Since': lastModified ?? '' } })).status).toBe(304);

    // A new episode changes the feed: a new ETag, and no 304 for the old validators.
    await makeEpisode(t.db, t.storage, user.id, { title: 'Second', expiresAt: null });
    const changed = await fetch(url, { headers: { 'If-None-Match': etag ?? '' } });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).not.toBe(etag);
    expect(itemsOf(parse(await changed.text())).map((i) => i.title)).toEqual(['Second', 'First']);
    // …and so does a show setting.
    const beforeRename = changed.headers.get('etag') ?? '';
    await request(t.app).patch('/v1/me/podcast').set(bearer(key)).send({ title: 'Renamed show' }).expect(200);
    const renamed = await fetch(url, { headers: { 'If-None-Match': beforeRename } });
    expect(renamed.status).toBe(200);
    expect(parse(await renamed.text()).rss.channel.title).toBe('Renamed show');
  });
});

describe('links of a feed item', () => {
  it('transcripts and chapters answer their types without headers; the cover is the stated square image', async () => {
    const { user } = await t.createUser();
    const { episode } = await makeEpisode(t.db, t.storage, user.id, {
      expiresAt: new Date(NOW.getTime() + 24 * HOUR),
    });
    const doc = parse(await (await fetchPlain(`${base}/v1/feeds/${user.feedToken}.xml`)).text());
    const [item] = itemsOf(doc);
    const transcripts = item!['podcast:transcript'] as Array<Record<string, string>>;
    expect(transcripts.map((tr) => tr['@type'])).toEqual(['text/vtt', 'application/json']);
    const vtt = await fetchPlain(transcripts[0]!['@url']!);
    expect(vtt.headers.get('content-type')).toBe('text/vtt; charset=utf-8');
    expect(await vtt.text()).toMatch(
      /^WEBVTT\n\n1\n00:00:00\.000 --> 00:00:01\.500\n<v Maya>Welcome to the show\./,
    );
    const json = await fetchPlain(transcripts[1]!['@url']!);
    expect(json.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(((await json.json()) as { segments: unknown[] }).segments[0]).toEqual({
      speaker: 'Maya',
      startTime: 0,
      endTime: 1.5,
      body: 'Welcome to the show.',
    });
    const chaptersLink = item!['podcast:chapters'] as Record<string, string>;
    expect(chaptersLink['@type']).toBe('application/json+chapters');
    const chapters = await fetchPlain(chaptersLink['@url']!);
    expect(chapters.headers.get('content-type')).toMatch(/^application\/json\+chapters/);
    expect(await chapters.json()).toEqual({ version: '1.2.0', chapters: [{ startTime: 0, title: 'Intro' }] });

    // Each signature opens its own path only, and the episode stays private without one.
    const sig = new URL(chaptersLink['@url']!).search;
    expect((await fetchPlain(`${base}/v1/episodes/${episode.id}/audio${sig}`)).status).toBe(403);
    expect((await fetchPlain(`${base}/v1/episodes/${episode.id}/chapters`)).status).toBe(401);
    // Signed until the episode leaves the feed, and for at least one signed-URL lifetime.
    const exp = Number(new URL(chaptersLink['@url']!).searchParams.get('exp'));
    expect(exp * 1000).toBeGreaterThanOrEqual(episode.expiresAt!.getTime());
    expect(exp).toBeGreaterThanOrEqual(Date.now() / 1000 + t.settings.signedUrlTtlSec);

    const coverUrl = doc.rss.channel['itunes:image']['@href'] as string;
    expect(doc.rss.channel.image.url).toBe(coverUrl);
    const cover = await fetchPlain(coverUrl);
    expect(cover.status).toBe(200);
    expect(cover.headers.get('content-type')).toBe('image/png');
    expect(inspectCover(Buffer.from(await cover.arrayBuffer()))).toMatchObject({
      ok: true,
      image: { mimeType: 'image/png', sizePx: 1400 },
    });
    const coverEtag = cover.headers.get('etag') ?? '';
    expect((await fetch(coverUrl, { headers: { 'If-None-Match': coverEtag } })).status).toBe(304);
    expect((await fetchPlain(coverUrl.replace('/cover.png', '/cover.jpg'))).status).toBe(404);
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

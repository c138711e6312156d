import { inspectCover } from '@podfleet/artwork';
import { Resvg } from '@resvg/resvg-js';
import { XMLParser } from 'fast-xml-parser';
import request from 'supertest';
import { bearer, startTestApi, type TestApi, testEnv } from '../../test/harness';

let t: TestApi;
let base: string;
beforeAll(async () => {
  t = await startTestApi(testEnv(process.env, 'podcast-show'));
  base = await t.listen();
});
afterAll(() => t.close());

const square = (width: number, height = width) =>
  new Resvg(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><circle cx="50%" cy="50%" r="40%" fill="#c33"/></svg>`,
  )
    .render()
    .asPng();

const channelOf = async (feedUrl: string) =>
  new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', parseTagValue: false }).parse(
    await (await fetch(feedUrl)).text(),
  ).rss.channel;

const upload = (key: string, bytes: Buffer, type = 'image/png') =>
  request(t.app).put('/v1/me/podcast/cover').set(bearer(key)).set('Content-Type', type).send(bytes);

describe('/v1/me/podcast', () => {
  it('shows the defaults, takes settings, and the feed and its drawn cover follow them', async () => {
    const { user, key } = await t.createUser();
    const initial = await request(t.app).get('/v1/me/podcast').set(bearer(key)).expect(200);
    expect(initial.body).toMatchObject({
      title: 'My podfleet',
      author: 'podfleet',
      ownerEmail: null,
      language: 'en',
      category: 'News',
      subcategory: 'Daily News',
      explicit: false,
      cover: { mimeType: 'image/png', uploaded: false },
    });
    expect(initial.body.feedUrl).toMatch(new RegExp(`/v1/feeds/${user.feedToken}\\.xml$`));

    const updated = await request(t.app)
      .patch('/v1/me/podcast')
      .set(bearer(key))
      .send({
        title: 'Harbour Hour',
        description: 'Ships and the people who sail them.',
        author: 'Ada Lovelace',
        ownerEmail: 'ada@example.test',
        language: 'en-GB',
        category: 'Science',
        subcategory: 'Physics',
        explicit: true,
        color: '#1F7A6D',
      })
      .expect(200);
    expect(updated.body).toMatchObject({ title: 'Harbour Hour', color: '#1f7a6d', guid: initial.body.guid });
    expect(updated.body.cover.url).not.toBe(initial.body.cover.url); // redrawn: new title and colour

    const channel = await channelOf(`${base}${new URL(updated.body.feedUrl).pathname}`);
    expect(channel).toMatchObject({
      title: 'Harbour Hour',
      description: 'Ships and the people who sail them.',
      language: 'en-GB',
      'itunes:author': 'Ada Lovelace',
      'itunes:owner': { 'itunes:name': 'Ada Lovelace', 'itunes:email': 'ada@example.test' },
      'itunes:explicit': 'true',
      'itunes:category': { '@text': 'Science', 'itunes:category': { '@text': 'Physics' } },
      'podcast:guid': initial.body.guid,
    });
    expect(new URL(channel['itunes:image']['@href']).pathname).toBe(new URL(updated.body.cover.url).pathname);

    // null goes back to the default.
    const reset = await request(t.app)
      .patch('/v1/me/podcast')
      .set(bearer(key))
      .send({ title: null })
      .expect(200);
    expect(reset.body.title).toBe('My podfleet');
  });

  it('refuses invalid settings with 422 naming the field', async () => {
    const { key } = await t.createUser();
    const res = await request(t.app)
      .patch('/v1/me/podcast')
      .set(bearer(key))
      .send({ category: 'News', subcategory: 'Physics', color: 'teal' })
      .expect(422);
    expect(res.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['color', 'subcategory']);
  });
});

describe('PUT /v1/me/podcast/cover', () => {
  it('takes a square PNG, serves it as the cover until removed, then draws one again', async () => {
    const { key } = await t.createUser();
    const png = square(1600);
    const res = await upload(key, png, 'application/octet-stream').expect(200);
    expect(res.body.cover).toMatchObject({ mimeType: 'image/png', uploaded: true });
    const served = await fetch(res.body.cover.url.replace(/^https?:\/\/[^/]+/, base));
    expect(served.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await served.arrayBuffer()).equals(png)).toBe(true);
    // Settings no longer redraw it.
    const renamed = await request(t.app)
      .patch('/v1/me/podcast')
      .set(bearer(key))
      .send({ title: 'New' })
      .expect(200);
    const pathOf = (url: string) => url.replace(/^https?:\/\/[^/]+/, '');
    expect(pathOf(renamed.body.cover.url)).toBe(pathOf(res.body.cover.url));

    const removed = await request(t.app).delete('/v1/me/podcast/cover').set(bearer(key)).expect(200);
    expect(removed.body.cover.uploaded).toBe(false);
    const drawn = await fetch(removed.body.cover.url.replace(/^https?:\/\/[^/]+/, base));
    expect(inspectCover(Buffer.from(await drawn.arrayBuffer()))).toMatchObject({
      ok: true,
      image: { sizePx: 1400 },
    });
  });

  it('judges the bytes: not square, too small, not PNG or JPEG, truncated: 422 saying why; other types 415', async () => {
    const { key } = await t.createUser();
    const refused = async (bytes: Buffer) => (await upload(key, bytes).expect(422)).body.errors[0].message;
    expect(await refused(square(1400, 1600))).toBe('the image is 1400×1600; it must be square');
    expect(await refused(square(800))).toBe('the image is 800×800; each side must be 1400–3000 px');
    expect(await refused(Buffer.from('GIF89a\x78\x05\x78\x05 and more bytes of a gif'))).toMatch(
      /a gif image/,
    );
    const png = square(1400);
    expect(await refused(png.subarray(0, png.length - 20))).toBe('the PNG is truncated');
    await request(t.app)
      .put('/v1/me/podcast/cover')
      .set(bearer(key))
      .set('Content-Type', 'text/plain')
      .send('not an image')
      .expect(415);
    const show = await request(t.app).get('/v1/me/podcast').set(bearer(key)).expect(200);
    expect(show.body.cover.uploaded).toBe(false);
  });
});

import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { buildPodcastFeed, formatDuration } from './feed';

const episode = (id: string, overrides: Record<string, unknown> = {}) => ({
  id,
  title: `Episode ${id}`,
  description: 'Two hosts talk it through.',
  createdAt: new Date('2026-11-26T03:04:05Z'),
  sizeBytes: 123_456,
  mimeType: 'audio/mpeg',
  durationSec: 187.6,
  ...overrides,
});

const parse = (xml: string) =>
  new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', parseTagValue: false }).parse(xml);

describe('buildPodcastFeed', () => {
  const episodes = [
    episode('018f-b', {
      title: 'Canals, locks & <ports>',
      createdAt: new Date('2026-11-26T03:04:05Z'),
      durationSec: 3725.2,
      sizeBytes: 9_876_543,
    }),
    episode('018f-a', { createdAt: new Date('2026-11-25T03:00:00Z') }),
  ];
  const audioUrlFor = (e: { id: string }) =>
    `https://pod.example/v1/episodes/${e.id}/audio?exp=1764127445&sig=ab+c/d`;
  const xml = buildPodcastFeed({
    user: { name: 'Ada', email: 'ada@example.test' },
    episodes,
    baseUrl: 'https://pod.example',
    feedUrl: 'https://pod.example/v1/feeds/tok.xml',
    imageUrl: 'https://pod.example/cover.png?size=1400&v=2',
    audioUrlFor,
  });
  const doc = parse(xml);
  const channel = doc.rss.channel;

  it('is RSS 2.0 with the iTunes namespace and the channel tags podcast apps need', () => {
    expect(XMLValidator.validate(xml)).toBe(true);
    expect(doc.rss['@version']).toBe('2.0');
    expect(doc.rss['@xmlns:itunes']).toBe('http://www.itunes.com/dtds/podcast-1.0.dtd');
    expect(channel.title).toBe("Ada's podfleet");
    expect(channel.link).toBe('https://pod.example/');
    expect(channel.description).toMatch(/podfleet/);
    expect(channel['itunes:author']).toBe('podfleet');
    expect(channel['itunes:explicit']).toBe('false');
    expect(channel['itunes:image']['@href']).toBe('https://pod.example/cover.png?size=1400&v=2');
    expect(channel['atom:link']['@href']).toBe('https://pod.example/v1/feeds/tok.xml');
    expect(channel.lastBuildDate).toBe(new Date('2026-11-26T03:04:05Z').toUTCString());
    expect(channel).not.toHaveProperty('itunes:owner'); // the user's e-mail stays private
  });

  it('has one item per episode with title, description, pubDate, guid, enclosure and HH:MM:SS duration', () => {
    const items = channel.item as Array<Record<string, unknown>>;
    expect(items).toHaveLength(2);
    items.forEach((item, i) => {
      const e = episodes[i]!;
      expect(item.title).toBe(e.title);
      expect(item.description).toBe(e.description);
      expect(item.pubDate).toBe(e.createdAt.toUTCString());
      expect(item.guid).toEqual({ '#text': e.id, '@isPermaLink': 'false' });
      expect(item.enclosure).toEqual({
        '@url': audioUrlFor(e),
        '@length': String(e.sizeBytes),
        '@type': 'audio/mpeg',
      });
      expect(item['itunes:duration']).toMatch(/^\d{2}:\d{2}:\d{2}$/);
    });
    expect(items[0]?.['itunes:duration']).toBe('01:02:05');
    expect(items[1]?.['itunes:duration']).toBe('00:03:08');
  });

  it('is a valid empty feed without episodes', () => {
    const empty = parse(
      buildPodcastFeed({
        user: { name: null, email: 'x@example.test' },
        episodes: [],
        baseUrl: 'https://p.example',
        audioUrlFor,
      }),
    );
    expect(empty.rss.channel.title).toBe("podfleet listener's podfleet");
    expect(empty.rss.channel.item).toBeUndefined();
  });
});

describe('formatDuration', () => {
  it('rounds to the second and pads every field', () => {
    expect(formatDuration(0)).toBe('00:00:00');
    expect(formatDuration(59.6)).toBe('00:01:00');
    expect(formatDuration(36_000 + 61)).toBe('10:01:01');
  });
});

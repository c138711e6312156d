import type { Episode } from '@podfleet/db';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { buildPodcastFeed, type EpisodeMediaUrls } from './feed';
import { resolveShow } from './show';

const episode = (id: string, overrides: Record<string, unknown> = {}) => ({
  id,
  title: `Episode ${id}`,
  description: 'Two hosts talk it through.',
  createdAt: new Date('2026-11-26T03:04:05Z'),
  sizeBytes: 123_456,
  mimeType: 'audio/mpeg',
  durationSec: 187.6,
  chapters: [{ title: 'Intro', startSec: 0 }] as Episode['chapters'],
  ...overrides,
});

const parse = (xml: string) =>
  new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@',
    parseTagValue: false,
    isArray: (name) => ['item', 'podcast:transcript'].includes(name),
  }).parse(xml);

const mediaUrlsFor = (e: { id: string }): EpisodeMediaUrls => ({
  audio: `https://pod.example/v1/episodes/${e.id}/audio?exp=1764127445&sig=ab+c/d`,
  transcriptVtt: `https://pod.example/v1/episodes/${e.id}/transcript?exp=1&sig=t&format=vtt`,
  transcriptJson: `https://pod.example/v1/episodes/${e.id}/transcript?exp=1&sig=t&format=podcast-json`,
  chapters: `https://pod.example/v1/episodes/${e.id}/chapters?exp=1&sig=c`,
});

const user = { id: '018f0000-0000-7000-8000-000000000001', name: 'Ada', style: { language: 'fr' } };

describe('buildPodcastFeed', () => {
  const episodes = [
    episode('018f-b', {
      title: 'Canals, locks & <ports>',
      createdAt: new Date('2026-11-26T03:04:05Z'),
      durationSec: 3725.2,
      sizeBytes: 9_876_543,
      description:
        'Maya and Theo talk through the canal bill. an employer within the meaning of section 10. It passed the House',
    }),
    episode('018f-a', { createdAt: new Date('2026-11-25T03:00:00Z'), chapters: [] }),
  ];
  const show = resolveShow(user, null);
  const xml = buildPodcastFeed({
    show,
    episodes,
    siteUrl: 'https://pod.example',
    feedUrl: 'https://pod.example/v1/feeds/tok.xml',
    coverUrl: 'https://pod.example/v1/feeds/tok/cover.png?v=abc&x=1',
    mediaUrlsFor,
  });
  const doc = parse(xml);
  const channel = doc.rss.channel;

  it('is RSS 2.0 declaring the iTunes, Podcasting 2.0 and Atom namespaces', () => {
    expect(XMLValidator.validate(xml)).toBe(true);
    expect(doc.rss['@version']).toBe('2.0');
    expect(doc.rss['@xmlns:itunes']).toBe('http://www.itunes.com/dtds/podcast-1.0.dtd');
    expect(doc.rss['@xmlns:podcast']).toBe('https://podcastindex.org/namespace/1.0');
    expect(doc.rss['@xmlns:atom']).toBe('http://www.w3.org/2005/Atom');
  });

  it('has the channel tags podcast directories expect, from the show settings', () => {
    expect(channel.title).toBe("Ada's podfleet");
    expect(channel.link).toBe('https://pod.example');
    expect(channel.description).toMatch(/podfleet/);
    expect(channel.language).toBe('fr');
    expect(channel.image).toEqual({
      url: 'https://pod.example/v1/feeds/tok/cover.png?v=abc&x=1',
      title: "Ada's podfleet",
      link: 'https://pod.example',
    });
    expect(channel['itunes:image']['@href']).toBe('https://pod.example/v1/feeds/tok/cover.png?v=abc&x=1');
    expect(xml).toContain('cover.png?v=abc&amp;x=1');
    expect(channel['itunes:author']).toBe('Ada');
    expect(channel['itunes:owner']).toEqual({ 'itunes:name': 'Ada' }); // no e-mail unless the user publishes one
    expect(channel['itunes:explicit']).toBe('false');
    expect(channel['itunes:type']).toBe('episodic');
    expect(channel['itunes:category']).toEqual({
      '@text': 'News',
      'itunes:category': { '@text': 'Daily News' },
    });
    expect(channel['podcast:guid']).toBe(show.guid);
    expect(channel['podcast:locked']).toBe('yes');
    expect(channel['atom:link']['@href']).toBe('https://pod.example/v1/feeds/tok.xml');
    expect(channel.lastBuildDate).toBe(new Date('2026-11-26T03:04:05Z').toUTCString());
  });

  it('publishes the owner e-mail, the lock owner and explicit only when set', () => {
    const custom = parse(
      buildPodcastFeed({
        show: {
          ...show,
          ownerEmail: 'ada@example.test',
          explicit: true,
          category: 'Technology',
          subcategory: null,
        },
        episodes: [],
        siteUrl: 'https://p.example',
        feedUrl: 'https://p.example/f.xml',
        coverUrl: 'https://p.example/c.png',
        mediaUrlsFor,
      }),
    ).rss.channel;
    expect(custom['itunes:owner']).toEqual({ 'itunes:name': 'Ada', 'itunes:email': 'ada@example.test' });
    expect(custom['podcast:locked']).toEqual({ '#text': 'yes', '@owner': 'ada@example.test' });
    expect(custom['itunes:explicit']).toBe('true');
    expect(custom['itunes:category']).toEqual({ '@text': 'Technology' });
    expect(custom.item).toBeUndefined();
  });

  it('has one item per episode: enclosure, duration in seconds, episode type, transcripts and chapters', () => {
    const items = channel.item as Array<Record<string, unknown>>;
    expect(items).toHaveLength(2);
    items.forEach((item, i) => {
      const e = episodes[i]!;
      const urls = mediaUrlsFor(e);
      expect(item.title).toBe(e.title);
      expect(item.pubDate).toBe(e.createdAt.toUTCString());
      expect(item.guid).toEqual({ '#text': e.id, '@isPermaLink': 'false' });
      expect(item.enclosure).toEqual({
        '@url': urls.audio,
        '@length': String(e.sizeBytes),
        '@type': 'audio/mpeg',
      });
      expect(item['itunes:episodeType']).toBe('full');
      expect(item['podcast:transcript']).toEqual([
        { '@url': urls.transcriptVtt, '@type': 'text/vtt', '@language': 'fr', '@rel': 'captions' },
        { '@url': urls.transcriptJson, '@type': 'application/json', '@language': 'fr' },
      ]);
    });
    expect(items.map((item) => item['itunes:duration'])).toEqual(['3725', '188']);
    expect(items[0]?.['podcast:chapters']).toEqual({
      '@url': mediaUrlsFor(episodes[0]!).chapters,
      '@type': 'application/json+chapters',
    });
    expect(items[1]).not.toHaveProperty('podcast:chapters'); // an episode without chapters links none
  });

  it('describes items in whole sentences only', () => {
    const items = channel.item as Array<Record<string, unknown>>;
    expect(items[0]?.description).toBe('Maya and Theo talk through the canal bill.');
    expect(items[1]?.description).toBe('Two hosts talk it through.');
  });

  it('defaults the title for a user without a name, and leaves out characters XML forbids', () => {
    const nameless = parse(
      buildPodcastFeed({
        show: resolveShow({ id: 'u2', name: null, style: null }, null),
        episodes: [episode('e', { title: 'Bell\u0007 rings', description: 'fragment without end' })],
        siteUrl: 'https://p.example',
        feedUrl: 'https://p.example/f.xml',
        coverUrl: 'https://p.example/c.png',
        mediaUrlsFor,
      }),
    ).rss.channel;
    expect(nameless.title).toBe('My podfleet');
    expect(nameless.language).toBe('en');
    expect(nameless.item[0].title).toBe('Bell rings');
    expect(nameless.item[0].description).toBe('Bell rings.');
  });
});

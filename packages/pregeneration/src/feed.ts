// A user's private podcast feed: RSS 2.0 with the tags Apple Podcasts, Spotify and the Podcast
// Index read (iTunes namespace, Podcasting 2.0 `podcast:` namespace). Written with
// fast-xml-parser's builder, which escapes text and attribute values.
import type { Episode } from '@podfleet/db';
import { XMLBuilder } from 'fast-xml-parser';
import { wholeSentences } from './feed-text';
import type { ShowSettings } from './show';

type FeedEpisode = Pick<
  Episode,
  'id' | 'title' | 'description' | 'createdAt' | 'sizeBytes' | 'mimeType' | 'durationSec' | 'chapters'
>;

/** URLs that work without headers (signed): podcast apps send none. */
export interface EpisodeMediaUrls {
  audio: string;
  transcriptVtt: string;
  /** The Podcasting 2.0 JSON transcript. */
  transcriptJson: string;
  /** The Podcasting 2.0 JSON chapters. */
  chapters: string;
}

export interface PodcastFeedInput<E extends FeedEpisode = Episode> {
  show: ShowSettings;
  /** Newest first, as they should appear. */
  episodes: E[];
  /** The channel's link (the API's public base URL). */
  siteUrl: string;
  /** This feed's own URL (atom:link rel=self). */
  feedUrl: string;
  /** The show's square cover. */
  coverUrl: string;
  mediaUrlsFor(episode: E): EpisodeMediaUrls;
}

/** Apple shows up to 4000 characters of a description. */
const MAX_DESCRIPTION_CHARS = 4000;

const NAMESPACES = {
  '@_xmlns:itunes': 'http://www.itunes.com/dtds/podcast-1.0.dtd',
  '@_xmlns:podcast': 'https://podcastindex.org/namespace/1.0',
  '@_xmlns:atom': 'http://www.w3.org/2005/Atom',
};

/** Characters XML 1.0 forbids (source text can carry them); the builder escapes the rest. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const XML_FORBIDDEN = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g;
const xmlText = (text: string) => text.replace(XML_FORBIDDEN, '');

const hasChapters = (chapters: unknown) => Array.isArray(chapters) && chapters.length > 0;

/** An item's description: whole sentences only, else its title as one. */
function itemDescription(episode: FeedEpisode): string {
  const sentences = wholeSentences(xmlText(episode.description), MAX_DESCRIPTION_CHARS);
  return sentences || `${xmlText(episode.title).replace(/[\s.:;,]+$/, '')}.`;
}

function item<E extends FeedEpisode>(episode: E, input: PodcastFeedInput<E>) {
  const urls = input.mediaUrlsFor(episode);
  const language = input.show.language;
  return {
    title: xmlText(episode.title),
    description: itemDescription(episode),
    pubDate: episode.createdAt.toUTCString(),
    guid: { '@_isPermaLink': 'false', '#text': episode.id },
    enclosure: { '@_url': urls.audio, '@_length': String(episode.sizeBytes), '@_type': episode.mimeType },
    'itunes:episodeType': 'full',
    'itunes:duration': String(Math.max(0, Math.round(episode.durationSec))),
    'itunes:explicit': String(input.show.explicit),
    'podcast:transcript': [
      { '@_url': urls.transcriptVtt, '@_type': 'text/vtt', '@_language': language, '@_rel': 'captions' },
      { '@_url': urls.transcriptJson, '@_type': 'application/json', '@_language': language },
    ],
    ...(hasChapters(episode.chapters)
      ? { 'podcast:chapters': { '@_url': urls.chapters, '@_type': 'application/json+chapters' } }
      : {}),
  };
}

export function buildPodcastFeed<E extends FeedEpisode>(input: PodcastFeedInput<E>): string {
  const { show } = input;
  const newest = input.episodes.reduce<Date | undefined>(
    (latest, e) => (!latest || e.createdAt > latest ? e.createdAt : latest),
    undefined,
  );
  const title = xmlText(show.title);
  const category = {
    '@_text': show.category,
    ...(show.subcategory ? { 'itunes:category': { '@_text': show.subcategory } } : {}),
  };
  const channel = {
    title,
    link: input.siteUrl,
    description: xmlText(show.description),
    language: show.language,
    // Deterministic output: the feed changed when its newest episode appeared.
    lastBuildDate: (newest ?? new Date(0)).toUTCString(),
    generator: 'podfleet',
    'atom:link': { '@_href': input.feedUrl, '@_rel': 'self', '@_type': 'application/rss+xml' },
    image: { url: input.coverUrl, title, link: input.siteUrl },
    'itunes:image': { '@_href': input.coverUrl },
    'itunes:author': xmlText(show.author),
    'itunes:owner': {
      'itunes:name': xmlText(show.author),
      ...(show.ownerEmail ? { 'itunes:email': show.ownerEmail } : {}),
    },
    'itunes:explicit': String(show.explicit),
    'itunes:type': 'episodic',
    'itunes:category': category,
    'podcast:guid': show.guid,
    // A private feed: directories must not import it as someone else's show.
    'podcast:locked': show.ownerEmail ? { '@_owner': show.ownerEmail, '#text': 'yes' } : 'yes',
    item: input.episodes.map((episode) => item(episode, input)),
  };
  const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@_', format: true });
  const xml: string = builder.build({ rss: { '@_version': '2.0', ...NAMESPACES, channel } });
  return `<?xml version="1.0" encoding="UTF-8"?>\n${xml}`;
}

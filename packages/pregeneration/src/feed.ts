// A user's private podcast feed: RSS 2.0 with the iTunes namespace, built with `feed` (MIT).
// `feed` escapes text and URLs; what it lacks for podcast apps is added as extensions:
// itunes:duration as HH:MM:SS (its own is MM:SS and keeps fractions), itunes:explicit and
// itunes:image.
import type { Episode, User } from '@podfleet/db';
import { Feed } from 'feed';
import type { CachedEpisode } from './cache';

type FeedEpisode = Pick<
  CachedEpisode,
  'id' | 'title' | 'description' | 'createdAt' | 'sizeBytes' | 'mimeType' | 'durationSec'
>;

export interface PodcastFeedInput<E extends FeedEpisode = Episode> {
  user: Pick<User, 'name' | 'email'>;
  /** Newest first, as they should appear. */
  episodes: E[];
  /** The API's public base URL (channel link). */
  baseUrl: string;
  /** A URL that plays without headers (signed). */
  audioUrlFor(episode: E): string;
  /** This feed's own URL (atom:link rel=self), recommended by feed validators. */
  feedUrl?: string;
  imageUrl?: string;
  title?: string;
  description?: string;
}

/** `HH:MM:SS` of a duration in seconds (rounded to the second). */
export function formatDuration(seconds: number): string {
  const total = Math.max(0, Math.round(seconds));
  const parts = [Math.floor(total / 3600), Math.floor((total % 3600) / 60), total % 60];
  return parts.map((n) => String(n).padStart(2, '0')).join(':');
}

/** xml-js, under `feed`, escapes only quotes in attribute values; a URL may hold `&`. */
const attributeUrl = (url: string) => new URL(url).toString().replace(/&/g, '&amp;');

export function buildPodcastFeed<E extends FeedEpisode>(input: PodcastFeedInput<E>): string {
  const owner = input.user.name ?? 'podfleet listener';
  const newest = input.episodes.reduce<Date | undefined>(
    (latest, e) => (!latest || e.createdAt > latest ? e.createdAt : latest),
    undefined,
  );
  const feed = new Feed({
    title: input.title ?? `${owner}'s podfleet`,
    description: input.description ?? 'Your podfleet episodes: two hosts talk through your sources.',
    id: input.baseUrl,
    link: input.baseUrl,
    language: 'en',
    copyright: '',
    podcast: true,
    author: { name: 'podfleet' },
    // Deterministic output: the feed changed when its newest episode appeared.
    updated: newest ?? new Date(0),
    generator: 'podfleet',
    ...(input.feedUrl ? { feedLinks: { rss: input.feedUrl } } : {}),
    ...(input.imageUrl ? { image: input.imageUrl } : {}),
  });
  feed.addExtension({ name: 'itunes:explicit', objects: { _text: 'false' } });
  feed.addExtension({ name: 'itunes:type', objects: { _text: 'episodic' } });
  if (input.imageUrl) {
    feed.addExtension({
      name: 'itunes:image',
      objects: { _attributes: { href: attributeUrl(input.imageUrl) } },
    });
  }
  for (const episode of input.episodes) {
    const url = input.audioUrlFor(episode);
    feed.addItem({
      title: episode.title,
      id: episode.id,
      guid: episode.id,
      link: url,
      date: episode.createdAt,
      description: episode.description,
      enclosure: { url, length: episode.sizeBytes, type: episode.mimeType },
      extensions: [
        { name: 'itunes:duration', objects: { _text: formatDuration(episode.durationSec) } },
        { name: 'itunes:explicit', objects: { _text: 'false' } },
      ],
    });
  }
  return feed.rss2();
}

import { XMLParser } from 'fast-xml-parser';
import { ProviderError } from '../types';
import { toIsoDate } from './document';
import { htmlToText } from './html-text';

export interface FeedItem {
  title: string | null;
  /** Absolute URL of the item's page, when it has one. */
  link: string | null;
  publishedAt: string | null;
  /** Item body as found (HTML or plain text): content:encoded / content, else description / summary. */
  body: string;
}

export interface ParsedFeed {
  format: 'rss' | 'atom' | 'rdf';
  title: string | null;
  items: FeedItem[];
}

type XmlValue = string | number | boolean | XmlObject | XmlValue[] | null | undefined;
interface XmlObject {
  [key: string]: XmlValue;
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  textNodeName: '#text',
  removeNSPrefix: true, // content:encoded → encoded, dc:date → date, atom:feed → feed
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  // Few, small DOCTYPE entities (a blow-up vector feeds do not need). No cap on expansions:
  // every &lt; of an escaped HTML description counts as one.
  processEntities: { enabled: true, maxEntityCount: 50, maxEntitySize: 10_000 },
  htmlEntities: true, // numeric (&#8217;) and HTML named references, decoded once
  isArray: (_name, jpath) => ARRAY_PATHS.has(String(jpath)),
});
const ARRAY_PATHS = new Set(['rss.channel.item', 'RDF.item', 'feed.entry', 'feed.entry.link']);

/** Parses RSS 2.0 (and 0.9x), RSS 1.0 (RDF) and Atom 1.0; relative links resolve against `feedUrl`. */
export function parseFeed(xml: string, feedUrl: string): ParsedFeed {
  let root: XmlObject;
  try {
    root = parser.parse(xml) as XmlObject;
  } catch (err) {
    throw new ProviderError(
      'SOURCE_INVALID',
      `${feedUrl} is not well-formed XML: ${(err as Error).message}`,
      false,
      undefined,
      { cause: err },
    );
  }
  const rss = obj(root.rss);
  if (rss) {
    const channel = obj(rss.channel);
    return {
      format: 'rss',
      title: plain(channel?.title),
      items: list(channel?.item).map((i) => rssItem(i, feedUrl)),
    };
  }
  const rdf = obj(root.RDF);
  if (rdf) {
    return {
      format: 'rdf',
      title: plain(obj(rdf.channel)?.title),
      items: list(rdf.item).map((i) => rssItem(i, feedUrl)),
    };
  }
  const feed = obj(root.feed);
  if (feed)
    return {
      format: 'atom',
      title: atomText(feed.title),
      items: list(feed.entry).map((e) => atomEntry(e, feedUrl)),
    };
  throw new ProviderError('SOURCE_INVALID', `${feedUrl} is neither an RSS nor an Atom feed`, false);
}

function rssItem(item: XmlObject, feedUrl: string): FeedItem {
  const guid = item.guid;
  const guidIsLink = obj(guid)?.['@_isPermaLink'] !== 'false';
  const link = absolute(plain(item.link), feedUrl) ?? (guidIsLink ? absolute(plain(guid), feedUrl) : null);
  return {
    title: plain(item.title),
    link,
    publishedAt: toIsoDate(plain(item.pubDate) ?? plain(item.date)),
    body: firstNonEmpty(raw(item.encoded), raw(item.description)),
  };
}

function atomEntry(entry: XmlObject, feedUrl: string): FeedItem {
  const links = list(entry.link);
  const page = links.find((l) => !l['@_rel'] || l['@_rel'] === 'alternate');
  return {
    title: atomText(entry.title),
    link: absolute(typeof page?.['@_href'] === 'string' ? page['@_href'] : null, feedUrl),
    publishedAt: toIsoDate(plain(entry.published) ?? plain(entry.updated)),
    body: firstNonEmpty(raw(entry.content), raw(entry.summary)),
  };
}

function obj(value: XmlValue): XmlObject | null {
  if (Array.isArray(value)) return obj(value[0]);
  return value && typeof value === 'object' ? value : null;
}

/** Elements as objects (a bare text element becomes {'#text'}), array or not. */
function list(value: XmlValue): XmlObject[] {
  const values = Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
  return values.map((v) => (v && typeof v === 'object' && !Array.isArray(v) ? v : { '#text': String(v) }));
}

/** The element's text, including nested XHTML markup flattened to its text in document order. */
function raw(value: XmlValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value !== 'object') return String(value);
  if (Array.isArray(value)) return value.map(raw).filter(Boolean).join('\n\n');
  return Object.entries(value)
    .filter(([key]) => !key.startsWith('@_'))
    .map(([, v]) => raw(v))
    .filter(Boolean)
    .join('\n\n');
}

function plain(value: XmlValue): string | null {
  const text = raw(value).trim();
  return text || null;
}

/** Atom text constructs may be type="html": strip the markup. */
function atomText(value: XmlValue): string | null {
  const type = obj(value)?.['@_type'];
  const text = plain(value);
  if (text && (type === 'html' || type === 'xhtml')) return htmlToText(text) || null;
  return text;
}

function firstNonEmpty(...values: string[]): string {
  return values.find((v) => v.trim().length > 0) ?? '';
}

/** Absolute http(s) URL, or null (a `javascript:` or `urn:` link is no page to read or to show). */
function absolute(link: string | null, base: string): string | null {
  if (!link) return null;
  try {
    const url = new URL(link, base);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
    return url.toString();
  } catch {
    return null;
  }
}

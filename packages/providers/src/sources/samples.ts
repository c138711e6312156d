import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { SourceSpec } from '../types';

/**
 * Bundled public-domain sample documents for the offline demo: packages/providers/samples, next
 * to this file's package in the source tree; in a bundled app (dist/main.js) the image ships
 * them beside dist/ (docker/Dockerfile copies them to the API's folder).
 */
export const sampleSourcesDir =
  [resolve(__dirname, '..', '..', 'samples'), resolve(__dirname, '..', 'samples')].find((dir) =>
    existsSync(join(dir, 'feed.xml')),
  ) ?? resolve(__dirname, '..', '..', 'samples');

const SAMPLE_TEXTS = [
  'postal-service-reform-act.txt',
  'great-american-outdoors-act.txt',
  'chips-and-science-act.txt',
];

/** Path of the sample RSS feed the API serves at `/samples/feed.xml` in the demo. */
export const sampleFeedPath = join(sampleSourcesDir, 'feed.xml');

/**
 * Sources for a demo episode: the sample bill summaries as text sources plus the sample feed,
 * which `baseUrl` (the API's public base URL) must serve at `/samples/feed.xml`.
 */
export function sampleEpisodeSources(baseUrl: string): SourceSpec[] {
  const texts = SAMPLE_TEXTS.map((file): SourceSpec => {
    const [title = file, ...rest] = readFileSync(join(sampleSourcesDir, file), 'utf8').split('\n');
    return { kind: 'text', title: title.trim(), text: rest.join('\n').trim() };
  });
  return [...texts, { kind: 'rss', url: `${baseUrl.replace(/\/+$/, '')}/samples/feed.xml`, maxItems: 4 }];
}

import { z } from 'zod';
import { type PublishedStore, publish, readPublished } from './published';

// Macrolanguage codes engines use for what BCP 47 usually writes otherwise (espeak: Mandarin is `cmn`).
const PRIMARY_ALIASES: Record<string, string> = { cmn: 'zh', nb: 'no' };

const normalise = (tag: string) => tag.toLowerCase().replace(/_/g, '-');
const primaryOf = (tag: string) => {
  const primary = normalise(tag).split('-')[0] ?? '';
  return PRIMARY_ALIASES[primary] ?? primary;
};

/**
 * Whether a supported code (`de`, `en-us`, `pt-br`) speaks a requested BCP 47 tag (`style.language`):
 * the same language, whatever the regions (`en-AU` is spoken by `en-us`, with its accent).
 */
export function languageMatches(requested: string, supported: string): boolean {
  return primaryOf(requested) === primaryOf(supported);
}

/**
 * The supported code that best speaks `requested`: the exact code, else the bare language, else
 * its home variety (`fr-fr`), else the first of the language.
 */
export function bestLanguageMatch(requested: string, supported: readonly string[]): string | undefined {
  const wanted = normalise(requested);
  const primary = primaryOf(requested);
  return (
    supported.find((s) => normalise(s) === wanted) ??
    supported.find((s) => normalise(s) === primary) ??
    supported.find((s) => normalise(s) === `${primary}-${primary}`) ??
    supported.find((s) => languageMatches(requested, s))
  );
}

/**
 * What the fleet's script writer can write. The scraper worker, which holds the writer, publishes
 * it in Redis when it starts; the API reads it to refuse a `style.language` it cannot write.
 */
export const writerLanguagesSchema = z.object({
  provider: z.enum(['local', 'anthropic', 'openai']),
  /** Languages it writes; null: any the model knows (the LLM writers). */
  languages: z.array(z.string()).nullable(),
});
export type WriterLanguages = z.infer<typeof writerLanguagesSchema>;

/** The Redis commands used (an ioredis client has them). */
export type LanguageStore = PublishedStore;

export const writerLanguagesKey = (prefix: string) => `${prefix}:script:languages`;

/** Replaces the published record: the last scraper worker to start names the fleet's writer. */
export async function publishWriterLanguages(
  store: LanguageStore,
  prefix: string,
  record: WriterLanguages,
): Promise<void> {
  await publish(store, writerLanguagesKey(prefix), writerLanguagesSchema, record);
}

/** The published record; null before any scraper worker has started (or when it is unreadable). */
export async function readWriterLanguages(
  store: LanguageStore,
  prefix: string,
): Promise<WriterLanguages | null> {
  return readPublished(store, writerLanguagesKey(prefix), writerLanguagesSchema);
}

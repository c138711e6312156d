import type { z } from 'zod';

/** Where workers publish what they offer (a Redis connection): the key/value calls used. */
export interface PublishedStore {
  get(key: string): Promise<string | null>;
  set(key: string, value: string): Promise<unknown>;
}

/** Stores `value`, validated by `schema`, as JSON under `key`. */
export async function publish<T>(
  store: PublishedStore,
  key: string,
  schema: z.ZodType<T>,
  value: T,
): Promise<void> {
  await store.set(key, JSON.stringify(schema.parse(value)));
}

/** What is published under `key`; null when nothing is, or when it is unreadable (not JSON, or not `schema`'s). */
export async function readPublished<T>(
  store: PublishedStore,
  key: string,
  schema: z.ZodType<T>,
): Promise<T | null> {
  const raw = await store.get(key);
  if (raw === null) return null;
  try {
    const parsed = schema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

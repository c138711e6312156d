import type { StorageDriver } from './types';

/** The object every health check reads (`health/` is outside the `jobs/` tree cleanup walks). */
export const STORAGE_PROBE_KEY = 'health/probe.txt';

/**
 * Proves the storage answers and keeps what was written: reads the probe object, writing it
 * first when it is missing (a new bucket or volume, or one that lost it). One HEAD per check
 * once it exists. Throws what the driver threw, or when the object written cannot be read back.
 */
export async function probeStorage(storage: StorageDriver): Promise<void> {
  if (await storage.head(STORAGE_PROBE_KEY)) return;
  await storage.put(STORAGE_PROBE_KEY, Buffer.from('podfleet health probe\n'), { contentType: 'text/plain' });
  if (!(await storage.head(STORAGE_PROBE_KEY))) {
    throw new Error(`storage accepted ${STORAGE_PROBE_KEY} but does not have it`);
  }
}

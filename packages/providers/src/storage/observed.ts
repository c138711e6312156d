import { observeProviderCall } from '@podfleet/telemetry';
import type { StorageDriver } from './types';

/**
 * The driver with every remote call seen as a provider call: a client span in the job's trace
 * and latency and error metrics by operation. A stream's span ends once the stream is open.
 */
export function observedStorage(driver: StorageDriver): StorageDriver {
  const call = <T>(operation: string, fn: () => Promise<T>) =>
    observeProviderCall({ kind: 'storage', provider: driver.kind, operation }, fn);
  const localPath = driver.localPath?.bind(driver);
  return {
    kind: driver.kind,
    put: (key, body, options) => call('put', () => driver.put(key, body, options)),
    get: (key) => call('get', () => driver.get(key)),
    getRange: (key, range) => call('get_range', () => driver.getRange(key, range)),
    getBuffer: (key) => call('get', () => driver.getBuffer(key)),
    head: (key) => call('head', () => driver.head(key)),
    copy: (sourceKey, targetKey, options) => call('copy', () => driver.copy(sourceKey, targetKey, options)),
    delete: (key) => call('delete', () => driver.delete(key)),
    deletePrefix: (prefix) => call('delete_prefix', () => driver.deletePrefix(prefix)),
    list: (prefix) => call('list', () => driver.list(prefix)),
    signedUrl: (key, expiresInSec) => call('sign_url', () => driver.signedUrl(key, expiresInSec)),
    publicUrl: (key) => driver.publicUrl(key),
    ...(localPath ? { localPath } : {}),
    close: () => driver.close(),
  };
}

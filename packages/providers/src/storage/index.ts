import { FsStorageDriver, type FsStorageOptions } from './fs-driver';
import { observedStorage } from './observed';
import { S3StorageDriver, type S3StorageOptions } from './s3-driver';
import type { StorageDriver } from './types';

export { StorageKeyNotFoundError } from './errors';
export { FsStorageDriver, type FsStorageOptions } from './fs-driver';
export { assertValidKey } from './keys';
export { probeStorage, STORAGE_PROBE_KEY } from './probe';
export { S3StorageDriver, type S3StorageOptions, s3StorageOptionsSchema } from './s3-driver';
export type { ByteRange, CopyOptions, HeadResult, PutOptions, PutResult, StorageDriver } from './types';

export type StorageDriverConfig =
  | ({ driver: 'fs' } & FsStorageOptions)
  | ({ driver: 's3' } & S3StorageOptions);

/**
 * Builds the driver STORAGE_DRIVER selects (options come from packages/config), its calls traced
 * and measured as provider calls.
 */
export function createStorageDriver(config: StorageDriverConfig): StorageDriver {
  return observedStorage(config.driver === 'fs' ? new FsStorageDriver(config) : new S3StorageDriver(config));
}

import { ProviderError } from '../types';

/** `get`/`getRange` of a key that does not exist. Never retryable. */
export class StorageKeyNotFoundError extends ProviderError {
  constructor(readonly key: string) {
    super('STORAGE_FAILED', `storage key not found: ${key}`, false);
    this.name = 'StorageKeyNotFoundError';
  }
}

export function storageError(message: string, retryable: boolean, cause?: unknown): ProviderError {
  return new ProviderError('STORAGE_FAILED', message, retryable, undefined, { cause });
}

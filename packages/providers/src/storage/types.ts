import type { Readable } from 'node:stream';

export interface PutOptions {
  contentType: string;
}

export interface PutResult {
  key: string;
  sizeBytes: number;
  /** sha256 of the stored bytes, lowercase hex. */
  checksum: string;
}

export interface HeadResult {
  sizeBytes: number;
  contentType?: string;
  /** sha256 hex, when the driver knows it (always for objects written through a driver). */
  checksum?: string;
  /** S3 storage class, when not the bucket's default (STANDARD is not reported). */
  storageClass?: string;
}

export interface CopyOptions {
  /** S3 storage class of the copy (the archive's ARCHIVE_STORAGE_CLASS); the fs driver ignores it. */
  storageClass?: string;
}

/** Inclusive byte range, as in an HTTP `Range: bytes=start-end` header. */
export interface ByteRange {
  start: number;
  end: number;
}

/**
 * Object storage for artifacts (`jobs/{jobId}/sources.json`, `script.json`, `episode.mp3`…).
 * Keys are relative, `/`-separated paths; see `assertValidKey` for what is accepted.
 */
export interface StorageDriver {
  readonly kind: 'fs' | 's3';
  /** Writes the whole body; readers never see a partial object (atomic replace). */
  put(key: string, body: Buffer | Readable, options: PutOptions): Promise<PutResult>;
  /** Throws `StorageKeyNotFoundError` when the key does not exist. */
  get(key: string): Promise<Readable>;
  /** Bytes `start..end` inclusive; throws STORAGE_FAILED (not retryable) when outside the object. */
  getRange(key: string, range: ByteRange): Promise<Readable>;
  getBuffer(key: string): Promise<Buffer>;
  /** `null` when the key does not exist. */
  head(key: string): Promise<HeadResult | null>;
  /**
   * Copies an object within the store, content type and sha256 kept; replaces the target
   * atomically. Throws `StorageKeyNotFoundError` when the source does not exist.
   */
  copy(sourceKey: string, targetKey: string, options?: CopyOptions): Promise<void>;
  /** Idempotent: deleting a missing key is not an error. */
  delete(key: string): Promise<void>;
  /** Deletes every key starting with `prefix` (non-empty); returns how many were deleted. */
  deletePrefix(prefix: string): Promise<number>;
  /** Every key starting with `prefix` (may be ''), sorted. */
  list(prefix: string): Promise<string[]>;
  /** A time-limited GET URL (S3 presigned); `null` when the driver cannot sign (fs: the API signs its own). */
  signedUrl(key: string, expiresInSec: number): Promise<string | null>;
  /** A permanent public URL when one is configured (S3 `publicBaseUrl`), else `null`. */
  publicUrl(key: string): string | null;
  /** Absolute path of the object on local disk (fs driver only). */
  localPath?(key: string): string;
  close(): Promise<void>;
}

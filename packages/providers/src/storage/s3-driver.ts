import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  CopyObjectCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  paginateListObjectsV2,
  S3Client,
  type StorageClass,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { z } from 'zod';
import { ProviderError } from '../types';
import { StorageKeyNotFoundError, storageError } from './errors';
import { createSha256Meter, getWholeObject, sha256Hex } from './hashing';
import { assertValidKey, assertValidPrefix, assertValidRange } from './keys';
import type { ByteRange, CopyOptions, HeadResult, PutOptions, PutResult, StorageDriver } from './types';

export const s3StorageOptionsSchema = z.object({
  bucket: z.string().min(1),
  region: z.string().min(1).default('us-east-1'),
  /** S3-compatible endpoint (MinIO, R2, s3rver…); omit for AWS. */
  endpoint: z.string().url().optional(),
  forcePathStyle: z.boolean().default(false),
  /** Omit to use the AWS SDK's default credential chain (instance role, profile…). */
  credentials: z
    .object({
      accessKeyId: z.string().min(1),
      secretAccessKey: z.string().min(1),
      sessionToken: z.string().optional(),
    })
    .optional(),
  /** Base of public object URLs (S3_PUBLIC_BASE_URL), e.g. a CDN in front of the bucket. */
  publicBaseUrl: z.string().url().optional(),
  /** Multipart part size; S3's minimum is 5 MiB. Bodies up to one part go up in a single PUT. */
  partSizeBytes: z
    .number()
    .int()
    .min(5 * 1024 * 1024)
    .default(8 * 1024 * 1024),
  /** Parts uploaded in parallel. */
  queueSize: z.number().int().min(1).max(16).default(4),
  /** Where stream bodies are spooled before upload (see `put`). */
  tempDir: z.string().optional(),
  /** Keys per ListObjectsV2 page (S3 caps it at 1000); lower only to exercise paging. */
  listPageSize: z.number().int().min(1).max(1000).default(1000),
  /** AWS SDK attempts per request (its own retry for throttling/5xx/network); BullMQ retries on top. */
  maxAttempts: z.number().int().min(1).default(3),
});
export type S3StorageOptions = z.input<typeof s3StorageOptionsSchema>;

const MAX_PRESIGN_SECONDS = 7 * 24 * 3600; // SigV4 presigned URLs live at most 7 days
// Connection failures worth another attempt. Matched on the message too: the SDK re-wraps errors it
// does not recognise as `Error` (e.g. from another realm, as under Jest) and keeps only the text.
const RETRYABLE_NETWORK = /\b(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|EAI_AGAIN|socket hang up)\b/;

interface AwsErrorShape {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
}

function awsError(err: unknown): AwsErrorShape {
  return typeof err === 'object' && err !== null ? (err as AwsErrorShape) : {};
}

/** A missing key; a missing bucket is a configuration error instead (HEAD cannot tell them apart). */
function isNotFound(err: unknown): boolean {
  const e = awsError(err);
  if (e.name === 'NoSuchBucket') return false;
  return e.name === 'NotFound' || e.name === 'NoSuchKey' || e.$metadata?.httpStatusCode === 404;
}

function wrap(err: unknown, what: string): ProviderError {
  if (err instanceof ProviderError) return err;
  const e = awsError(err);
  const status = e.$metadata?.httpStatusCode;
  const retryable =
    status !== undefined
      ? status >= 500 || status === 429 || status === 408
      : RETRYABLE_NETWORK.test(`${e.code ?? ''} ${e.message ?? ''}`) || e.name === 'TimeoutError';
  const detail = [e.name, status].filter(Boolean).join(' ');
  return storageError(`s3 storage: ${what} failed${detail ? ` (${detail})` : ''}`, retryable, err);
}

function encodeKeyForUrl(key: string): string {
  return key.split('/').map(encodeURIComponent).join('/');
}

/**
 * S3 / S3-compatible storage. The sha256 travels as user metadata (`x-amz-meta-sha256`) so `head`
 * returns it. Checksums are computed by the SDK only when an operation requires them
 * (`requestChecksumCalculation: 'WHEN_REQUIRED'`): since SDK 3.729 the default sends streamed bodies
 * `aws-chunked` with CRC trailers, which many S3-compatible servers (s3rver among them) store verbatim.
 */
export class S3StorageDriver implements StorageDriver {
  readonly kind = 's3' as const;
  private readonly options: z.output<typeof s3StorageOptionsSchema>;
  private readonly client: S3Client;

  constructor(options: S3StorageOptions) {
    this.options = s3StorageOptionsSchema.parse(options);
    const { region, endpoint, forcePathStyle, credentials, maxAttempts } = this.options;
    this.client = new S3Client({
      region,
      endpoint,
      forcePathStyle,
      credentials,
      maxAttempts,
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  }

  async put(key: string, body: Buffer | Readable, options: PutOptions): Promise<PutResult> {
    assertValidKey(key);
    if (Buffer.isBuffer(body)) {
      const checksum = sha256Hex(body);
      await this.upload(key, body, options.contentType, checksum);
      return { key, sizeBytes: body.length, checksum };
    }
    // S3 user metadata goes out before the body, but a stream's sha256 is known only at its end:
    // spool the stream to a temp file while hashing, then upload the file. A failing body therefore
    // never creates (or half-replaces) the object.
    const spoolDir = await mkdtemp(join(this.options.tempDir ?? tmpdir(), 'podfleet-s3-'));
    try {
      const spool = join(spoolDir, randomUUID());
      const meter = createSha256Meter();
      await pipeline(body, meter.stream, createWriteStream(spool));
      const checksum = meter.digest();
      await this.upload(key, createReadStream(spool), options.contentType, checksum);
      return { key, sizeBytes: meter.sizeBytes(), checksum };
    } catch (err) {
      throw wrap(err, `put ${key}`);
    } finally {
      await rm(spoolDir, { recursive: true, force: true });
    }
  }

  /** `Upload` sends one PutObject for bodies up to a part, multipart (aborted on failure) above. */
  private async upload(
    key: string,
    body: Buffer | Readable,
    contentType: string,
    sha256: string,
  ): Promise<void> {
    try {
      await new Upload({
        client: this.client,
        partSize: this.options.partSizeBytes,
        queueSize: this.options.queueSize,
        leavePartsOnError: false,
        params: {
          Bucket: this.options.bucket,
          Key: key,
          Body: body,
          ContentType: contentType,
          Metadata: { sha256 },
        },
      }).done();
    } catch (err) {
      throw wrap(err, `put ${key}`);
    }
  }

  async get(key: string): Promise<Readable> {
    assertValidKey(key);
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.options.bucket, Key: key }));
      return out.Body as Readable;
    } catch (err) {
      if (isNotFound(err)) throw new StorageKeyNotFoundError(key);
      throw wrap(err, `get ${key}`);
    }
  }

  async getRange(key: string, range: ByteRange): Promise<Readable> {
    const head = await this.head(key);
    if (!head) throw new StorageKeyNotFoundError(key);
    assertValidRange(range, head.sizeBytes, key);
    try {
      const out = await this.client.send(
        new GetObjectCommand({
          Bucket: this.options.bucket,
          Key: key,
          Range: `bytes=${range.start}-${range.end}`,
        }),
      );
      return out.Body as Readable;
    } catch (err) {
      if (isNotFound(err)) throw new StorageKeyNotFoundError(key);
      throw wrap(err, `getRange ${key}`);
    }
  }

  getBuffer(key: string): Promise<Buffer> {
    return getWholeObject((k) => this.get(k), key, wrap);
  }

  async head(key: string): Promise<HeadResult | null> {
    assertValidKey(key);
    try {
      const out = await this.client.send(new HeadObjectCommand({ Bucket: this.options.bucket, Key: key }));
      const result: HeadResult = { sizeBytes: out.ContentLength ?? 0 };
      if (out.ContentType) result.contentType = out.ContentType;
      if (out.Metadata?.sha256) result.checksum = out.Metadata.sha256;
      if (out.StorageClass && out.StorageClass !== 'STANDARD') result.storageClass = out.StorageClass;
      return result;
    } catch (err) {
      if (isNotFound(err)) return null;
      throw wrap(err, `head ${key}`);
    }
  }

  /**
   * A server-side CopyObject (up to 5 GB, S3's limit for one copy). The metadata is written again
   * (REPLACE) from the source's HEAD, so the storage class can change while type and sha256 stay.
   */
  async copy(sourceKey: string, targetKey: string, options: CopyOptions = {}): Promise<void> {
    assertValidKey(targetKey);
    const head = await this.head(sourceKey);
    if (!head) throw new StorageKeyNotFoundError(sourceKey);
    try {
      await this.client.send(
        new CopyObjectCommand({
          Bucket: this.options.bucket,
          Key: targetKey,
          CopySource: `${this.options.bucket}/${encodeKeyForUrl(sourceKey)}`,
          MetadataDirective: 'REPLACE',
          ContentType: head.contentType ?? 'application/octet-stream',
          Metadata: head.checksum ? { sha256: head.checksum } : {},
          ...(options.storageClass ? { StorageClass: options.storageClass as StorageClass } : {}),
        }),
      );
    } catch (err) {
      if (isNotFound(err)) throw new StorageKeyNotFoundError(sourceKey);
      throw wrap(err, `copy ${sourceKey} to ${targetKey}`);
    }
  }

  async delete(key: string): Promise<void> {
    assertValidKey(key);
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.options.bucket, Key: key }));
    } catch (err) {
      throw wrap(err, `delete ${key}`);
    }
  }

  async deletePrefix(prefix: string): Promise<number> {
    assertValidPrefix(prefix, { allowEmpty: false });
    const keys = await this.list(prefix);
    for (let i = 0; i < keys.length; i += 1000) {
      const batch = keys.slice(i, i + 1000);
      try {
        const out = await this.client.send(
          new DeleteObjectsCommand({
            Bucket: this.options.bucket,
            Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true },
          }),
        );
        const first = out.Errors?.[0];
        if (first) throw storageError(`s3 storage: deleting ${first.Key} failed (${first.Code})`, true);
      } catch (err) {
        throw wrap(err, `deletePrefix ${prefix}`);
      }
    }
    return keys.length;
  }

  async list(prefix: string): Promise<string[]> {
    assertValidPrefix(prefix, { allowEmpty: true });
    const keys: string[] = [];
    try {
      const pages = paginateListObjectsV2(
        { client: this.client, pageSize: this.options.listPageSize },
        { Bucket: this.options.bucket, Prefix: prefix },
      );
      for await (const page of pages) {
        for (const object of page.Contents ?? []) if (object.Key) keys.push(object.Key);
      }
    } catch (err) {
      throw wrap(err, `list ${prefix}`);
    }
    return keys.sort();
  }

  async signedUrl(key: string, expiresInSec: number): Promise<string> {
    assertValidKey(key);
    const expiresIn = Math.max(1, Math.min(MAX_PRESIGN_SECONDS, Math.floor(expiresInSec)));
    try {
      return await getSignedUrl(
        this.client,
        new GetObjectCommand({ Bucket: this.options.bucket, Key: key }),
        {
          expiresIn,
        },
      );
    } catch (err) {
      throw wrap(err, `signedUrl ${key}`);
    }
  }

  publicUrl(key: string): string | null {
    assertValidKey(key);
    const base = this.options.publicBaseUrl;
    return base ? `${base.replace(/\/+$/, '')}/${encodeKeyForUrl(key)}` : null;
  }

  async close(): Promise<void> {
    this.client.destroy();
  }
}

import { createHash } from 'node:crypto';
import { type Readable, Transform } from 'node:stream';

/** A pass-through stream that computes sha256 and counts bytes as data flows through it. */
export function createSha256Meter(): { stream: Transform; digest(): string; sizeBytes(): number } {
  const hash = createHash('sha256');
  let size = 0;
  let digest: string | undefined;
  const stream = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      size += chunk.length;
      callback(null, chunk);
    },
  });
  return {
    stream,
    digest: () => {
      digest ??= hash.digest('hex');
      return digest;
    },
    sizeBytes: () => size,
  };
}

export function sha256Hex(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

export async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  return Buffer.concat(chunks);
}

/**
 * A whole object as a Buffer, through the driver's own `get`: a missing key fails as `get` does,
 * a failure while reading is the driver's error (`wrap`).
 */
export async function getWholeObject(
  get: (key: string) => Promise<Readable>,
  key: string,
  wrap: (err: unknown, what: string) => Error,
): Promise<Buffer> {
  const stream = await get(key);
  try {
    return await readAll(stream);
  } catch (err) {
    throw wrap(err, `getBuffer ${key}`);
  }
}

export async function sha256OfStream(stream: Readable): Promise<{ sha256: string; sizeBytes: number }> {
  const hash = createHash('sha256');
  let sizeBytes = 0;
  for await (const chunk of stream) {
    hash.update(chunk as Buffer);
    sizeBytes += (chunk as Buffer).length;
  }
  return { sha256: hash.digest('hex'), sizeBytes };
}

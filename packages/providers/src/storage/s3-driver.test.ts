import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { type FakeServer, startHttpServer } from '@podfleet/test-kit';
import { describeStorageContract } from '../../test/storage-contract';
import { S3StorageDriver } from './s3-driver';
import { type S3rverHandle, startS3rver } from './testing/s3rver';

let s3: S3rverHandle;

beforeAll(async () => {
  s3 = await startS3rver();
});
afterAll(async () => {
  await s3?.stop();
});

function driverFor(endpoint: string, extra: Partial<ConstructorParameters<typeof S3StorageDriver>[0]> = {}) {
  return new S3StorageDriver({
    bucket: s3.bucket,
    endpoint,
    forcePathStyle: true,
    region: 'us-east-1',
    credentials: s3.credentials,
    partSizeBytes: 5 * 1024 * 1024,
    ...extra,
  });
}

describeStorageContract('s3 (s3rver)', {
  signsUrls: true,
  // Every test starts from an empty bucket: delete whatever the previous one left.
  setup: async () => {
    const driver = driverFor(s3.endpoint, { listPageSize: 10 });
    const leftovers = await driver.list('');
    if (leftovers.length > 0) await Promise.all(leftovers.map((key) => driver.delete(key)));
    return driver;
  },
  teardown: (driver) => driver.close(),
});

describe('S3StorageDriver specifics', () => {
  it('stores the sha256 as x-amz-meta-sha256 object metadata', async () => {
    const driver = driverFor(s3.endpoint);
    const put = await driver.put('meta/a.json', Buffer.from('{"a":1}'), { contentType: 'application/json' });
    const raw = new S3Client({
      endpoint: s3.endpoint,
      forcePathStyle: true,
      region: 'us-east-1',
      credentials: s3.credentials,
    });
    const head = await raw.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: 'meta/a.json' }));
    expect(head.Metadata).toEqual({ sha256: put.checksum });
    raw.destroy();
    await driver.delete('meta/a.json');
    await driver.close();
  });

  it('copies into the storage class asked for, keeping type and sha256; a plain copy stays STANDARD', async () => {
    const driver = driverFor(s3.endpoint);
    const put = await driver.put('cls/episode.mp3', Buffer.from('mp3 bytes'), { contentType: 'audio/mpeg' });
    await driver.copy('cls/episode.mp3', 'archive/cls/episode.mp3', { storageClass: 'STANDARD_IA' });
    expect(await driver.head('archive/cls/episode.mp3')).toEqual({
      sizeBytes: 9,
      contentType: 'audio/mpeg',
      checksum: put.checksum,
      storageClass: 'STANDARD_IA',
    });
    await driver.copy('archive/cls/episode.mp3', 'cls/restored.mp3');
    expect(await driver.head('cls/restored.mp3')).toEqual({
      sizeBytes: 9,
      contentType: 'audio/mpeg',
      checksum: put.checksum,
    });
    await driver.deletePrefix('cls/');
    await driver.deletePrefix('archive/');
    await driver.close();
  });

  it('sends bodies above the part size as a multipart upload of 5 MiB parts', async () => {
    // A recording proxy in front of s3rver shows which S3 operations the driver used.
    const seen: string[] = [];
    const proxy: FakeServer = await startHttpServer(
      (req, res) =>
        new Promise<void>((resolve, reject) => {
          seen.push(`${req.method} ${req.url}`);
          const upstream = request(
            `${s3.endpoint}${req.url}`,
            { method: req.method, headers: req.headers },
            (answer) => {
              res.writeHead(answer.statusCode ?? 502, answer.headers);
              answer.pipe(res).on('finish', resolve);
            },
          );
          upstream.on('error', reject);
          upstream.end(req.body);
        }),
    );
    const driver = driverFor(proxy.url);
    const body = randomBytes(11 * 1024 * 1024);
    await driver.put('multi/episode.mp3', body, { contentType: 'audio/mpeg' });
    expect(seen.filter((line) => /^POST .*\?uploads/.test(line))).toHaveLength(1);
    expect(seen.filter((line) => /^PUT .*partNumber=/.test(line))).toHaveLength(3);
    expect(seen.filter((line) => /^POST .*uploadId=/.test(line))).toHaveLength(1);
    expect((await driver.head('multi/episode.mp3'))?.sizeBytes).toBe(body.length);

    seen.length = 0;
    await driver.put('multi/small.json', Buffer.from('{}'), { contentType: 'application/json' });
    expect(seen).toEqual([expect.stringMatching(/^PUT \/podfleet-test\/multi\/small\.json/)]);
    await driver.deletePrefix('multi/');
    await driver.close();
    await proxy.close();
  });

  it('builds public URLs from publicBaseUrl, encoding the key', () => {
    const driver = driverFor(s3.endpoint, { publicBaseUrl: 'https://cdn.example.com/media/' });
    expect(driver.publicUrl('jobs/a+b/ep@1.mp3')).toBe('https://cdn.example.com/media/jobs/a%2Bb/ep%401.mp3');
    expect(driverFor(s3.endpoint).publicUrl('jobs/a/episode.mp3')).toBeNull();
  });

  it('maps an unreachable endpoint to a retryable STORAGE_FAILED', async () => {
    const driver = driverFor('http://127.0.0.1:1', { maxAttempts: 1 });
    await expect(
      driver.put('x/a.txt', Buffer.from('a'), { contentType: 'text/plain' }),
    ).rejects.toMatchObject({
      code: 'STORAGE_FAILED',
      retryable: true,
    });
    await expect(driver.head('x/a.txt')).rejects.toMatchObject({ code: 'STORAGE_FAILED', retryable: true });
    await driver.close();
  });

  it('maps a missing bucket to a non-retryable STORAGE_FAILED', async () => {
    const driver = driverFor(s3.endpoint, { bucket: 'no-such-bucket' });
    await expect(
      driver.put('x/a.txt', Buffer.from('a'), { contentType: 'text/plain' }),
    ).rejects.toMatchObject({
      code: 'STORAGE_FAILED',
      retryable: false,
    });
    await expect(driver.get('x/a.txt')).rejects.toMatchObject({ name: 'ProviderError', retryable: false });
    await driver.close();
  });
});

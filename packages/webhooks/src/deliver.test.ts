import {
  completeJob,
  createEpisodeOnce,
  createJobWithStages,
  createPrismaClient,
  failJob,
  type PrismaClient,
} from '@podfleet/db';
import {
  addJob,
  closeQueues,
  createLogger,
  createQueues,
  createRedis,
  type QueueSet,
  startWorkers,
  type WorkerRuntime,
} from '@podfleet/queue';
import { type FakeServer, startHttpServer, waitFor } from '@podfleet/test-kit';
import type { Redis } from 'ioredis';
import { deliverWebhook, WebhookDeliveryError } from './deliver';
import { mediaUrlSigningKey, userWebhookSecret, webhookSigningKey } from './keys';
import { SIGNATURE_HEADER, verifySignature } from './signature';
import { UrlSigner } from './signed-urls';

const DATABASE_URL = process.env.DATABASE_URL as string;
const REDIS_URL = process.env.REDIS_URL as string;
const PREFIX = `${process.env.QUEUE_PREFIX as string}-webhooks`;
const webhookKey = webhookSigningKey('webhook-secret-for-webhook-tests-0123');

let db: PrismaClient;

beforeAll(() => {
  db = createPrismaClient(DATABASE_URL);
});
afterAll(() => db.$disconnect());

async function finishedJob(outcome: 'completed' | 'failed') {
  const user = await db.user.create({ data: { email: `hook-${Date.now()}-${Math.random()}@example.test` } });
  const job = await createJobWithStages(db, { userId: user.id, type: 'custom', request: { type: 'custom' } });
  if (outcome === 'failed') {
    await failJob(db, job.id, 'SCRIPT_FAILED', 'the writer gave up');
    return { user, job, episodeId: null };
  }
  const { episode } = await createEpisodeOnce(db, job.id, {
    userId: user.id,
    type: 'custom',
    title: 'Hooked',
    description: 'An episode',
    audioKey: `jobs/${job.id}/episode.mp3`,
    sizeBytes: 1234,
    durationSec: 61.5,
  });
  await completeJob(db, job.id, { episodeId: episode.id });
  return { user, job, episodeId: episode.id };
}

describe('deliverWebhook', () => {
  let receiver: FakeServer;
  afterEach(() => receiver?.close());

  it('POSTs {event, job, episode} signed with the user secret, verifiable by the receiver, and records it', async () => {
    const { user, job, episodeId } = await finishedJob('completed');
    const secret = userWebhookSecret(webhookKey, user.id);
    let verified = false;
    receiver = await startHttpServer((req, res) => {
      verified = verifySignature(
        secret,
        req.body.toString('utf8'),
        req.headers[SIGNATURE_HEADER.toLowerCase()] as string,
      );
      res.writeHead(verified ? 204 : 400).end();
    });
    const signer = new UrlSigner(mediaUrlSigningKey('media-url-secret-for-webhook-tests-0'), 3600);
    const result = await deliverWebhook(
      db,
      { jobId: job.id, event: 'job.completed', url: `${receiver.url}/hooks?token=RECEIVER-TOKEN-1` },
      { webhookKey, attempt: 1, allowPrivate: true, urls: { baseUrl: 'https://pods.example', signer } },
    );
    expect(verified).toBe(true);
    expect(result?.statusCode).toBe(204);
    const sent = JSON.parse(receiver.requests[0]!.body.toString('utf8'));
    expect(sent).toMatchObject({
      event: 'job.completed',
      job: { id: job.id, status: 'completed', episodeId },
    });
    expect(sent.episode).toMatchObject({ id: episodeId, title: 'Hooked', durationSec: 61.5 });
    expect(sent.episode.audioUrl).toMatch(
      new RegExp(`^https://pods\\.example/v1/episodes/${episodeId}/audio\\?exp=\\d+&sig=`),
    );
    expect(receiver.requests[0]!.headers['content-type']).toBe('application/json');
    expect(receiver.requests[0]!.headers['x-podfleet-event']).toBe('job.completed');

    const rows = await db.webhookDelivery.findMany({ where: { jobId: job.id } });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ attempt: 1, statusCode: 204, error: null, event: 'job.completed' });
    expect(rows[0]!.deliveredAt).not.toBeNull();
    expect(rows[0]!.requestBody).toMatchObject({ event: 'job.completed' });
    // The stored record keeps no secret: the receiver's token, the audio URL's signature (issue #18).
    expect(receiver.requests[0]!.url).toContain('token=RECEIVER-TOKEN-1');
    expect(rows[0]!.webhookUrl).toBe(`${receiver.url}/hooks?token=[redacted]`);
    const storedAudio = (rows[0]!.requestBody as { episode: { audioUrl: string } }).episode.audioUrl;
    expect(storedAudio).toMatch(/\?exp=\d+&sig=\[redacted\]$/);
    expect(sent.episode.audioUrl).not.toContain('[redacted]');
  });

  it('sends a failed job without an episode and throws a retryable error on a non-2xx answer', async () => {
    const { job } = await finishedJob('failed');
    receiver = await startHttpServer((_req, res) => {
      res.writeHead(503, { 'retry-after': '7' }).end('busy');
    });
    const attempt = deliverWebhook(
      db,
      { jobId: job.id, event: 'job.failed', url: receiver.url },
      { webhookKey, attempt: 2, allowPrivate: true },
    );
    await expect(attempt).rejects.toBeInstanceOf(WebhookDeliveryError);
    await expect(attempt).rejects.toMatchObject({
      retryable: true,
      statusCode: 503,
      retryAfterMs: 7000,
      code: 'WEBHOOK_FAILED',
    });
    const sent = JSON.parse(receiver.requests[0]!.body.toString('utf8'));
    expect(sent).toMatchObject({ event: 'job.failed', job: { error: { code: 'SCRIPT_FAILED' } } });
    expect(sent).not.toHaveProperty('episode');
    const [row] = await db.webhookDelivery.findMany({ where: { jobId: job.id } });
    expect(row).toMatchObject({ attempt: 2, statusCode: 503, deliveredAt: null });
    expect(row!.error).toContain('HTTP 503');
  });

  it("reads Retry-After as delay-seconds or an HTTP date only, leaving a malformed one to the queue's backoff", async () => {
    const { job } = await finishedJob('failed');
    const answers = ['1e3', '0x10', 'Fri, 31 Dec 1999 23:59:59 GMT'];
    receiver = await startHttpServer((_req, res) => {
      res.writeHead(429, { 'retry-after': answers[receiver.requests.length - 1] ?? '' }).end();
    });
    const retryAfter = async () => {
      const attempt = deliverWebhook(
        db,
        { jobId: job.id, event: 'job.failed', url: receiver.url },
        { webhookKey, attempt: 1, allowPrivate: true },
      );
      return (await attempt.catch((err: WebhookDeliveryError) => err)) as WebhookDeliveryError;
    };
    for (let i = 0; i < 2; i += 1) {
      expect(await retryAfter()).toMatchObject({ statusCode: 429, retryAfterMs: undefined });
    }
    expect(await retryAfter()).toMatchObject({ statusCode: 429, retryAfterMs: 0 }); // a date already past
  });

  it('refuses private addresses unless allowed (SSRF guard), without retrying', async () => {
    const { job } = await finishedJob('failed');
    receiver = await startHttpServer((_req, res) => {
      res.writeHead(200).end();
    });
    await expect(
      deliverWebhook(
        db,
        { jobId: job.id, event: 'job.failed', url: receiver.url },
        { webhookKey, attempt: 1 },
      ),
    ).rejects.toMatchObject({ retryable: false, statusCode: null });
    expect(receiver.requests).toHaveLength(0);
    const [row] = await db.webhookDelivery.findMany({ where: { jobId: job.id } });
    expect(row?.error).toBeTruthy();
  });

  it('skips a job that no longer exists', async () => {
    await expect(
      deliverWebhook(
        db,
        { jobId: 'gone', event: 'job.failed', url: 'http://127.0.0.1:9/x' },
        { webhookKey, attempt: 1 },
      ),
    ).resolves.toBeNull();
  });
});

describe('webhooks queue', () => {
  let receiver: FakeServer;
  let runtime: WorkerRuntime;
  let producer: Redis;
  let queues: QueueSet;

  beforeAll(() => {
    producer = createRedis(REDIS_URL, { role: 'producer' });
    queues = createQueues(producer, PREFIX);
  });
  afterAll(async () => {
    await runtime?.close();
    await receiver?.close();
    await closeQueues(queues);
    producer.disconnect();
  });

  it('retries a delivery after a 500 until the receiver accepts it, recording every attempt', async () => {
    const { user, job } = await finishedJob('completed');
    const secret = userWebhookSecret(webhookKey, user.id);
    let calls = 0;
    receiver = await startHttpServer((req, res) => {
      calls += 1;
      const ok = verifySignature(
        secret,
        req.body.toString('utf8'),
        req.headers['x-podfleet-signature'] as string,
      );
      res.writeHead(calls === 1 || !ok ? 500 : 200).end();
    });
    runtime = startWorkers({
      app: 'webhooks-test',
      redisUrl: REDIS_URL,
      prefix: PREFIX,
      logger: createLogger({ app: 'webhooks-test', level: 'silent' }),
      processors: {
        webhooks: (payload, bullJob) =>
          deliverWebhook(db, payload, { webhookKey, attempt: bullJob.attemptsMade + 1, allowPrivate: true }),
      },
    });
    await runtime.ready;
    // The catalog's backoff starts at 10 s; a short base keeps the test fast with the same strategy.
    const added = await addJob(
      queues,
      'webhooks',
      { jobId: job.id, event: 'job.completed', url: receiver.url },
      { backoff: { type: 'exponential-retry-after', delay: 50 } },
    );
    await waitFor(async () => (await added.getState()) === 'completed', {
      what: 'the webhook job to complete',
    });
    const rows = await db.webhookDelivery.findMany({ where: { jobId: job.id }, orderBy: { attempt: 'asc' } });
    expect(rows.map((r) => [r.attempt, r.statusCode])).toEqual([
      [1, 500],
      [2, 200],
    ]);
    expect(rows[1]!.deliveredAt).not.toBeNull();
    expect(calls).toBe(2);
  });
});

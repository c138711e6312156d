// The fleet as containers: images built from the working tree, the compose fleet brought up
// (PostgreSQL, Redis, migrations, API x2 behind the proxy, scraper x2, script role, audio x3,
// uploader), three users submit 12 episodes, an audio container is killed while it holds a job,
// a scraper container is stopped mid-stage, Redis restarts empty; then every job must have
// completed exactly once, every MP3 must play and every feed list its episodes, and
// `docker-compose down -v` must leave nothing behind.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeToPcm, probeAudio } from '@podfleet/assembly';
import { childEnv } from '@podfleet/config';
import { createPrismaClient, type PrismaClient } from '@podfleet/db';
import { waitFor } from '@podfleet/test-kit';
import { verifySignature } from '@podfleet/webhooks';
import { XMLParser } from 'fast-xml-parser';
import { docker, dockerUnavailable } from './docker';
import { ComposeFleet } from './fleet';
import { buildImages, imageName, imageSize, type ThirdPartyImages, thirdPartyImages } from './images';

const log = (line: string) => process.stderr.write(`  [containers] ${line}\n`);
const runId = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
// PODFLEET_CONTAINERS_REUSE_TAG=<tag> runs images already built with that tag instead of building
// (for iterating on the suite itself; CI always builds from the working tree).
const reuseTag = childEnv().PODFLEET_CONTAINERS_REUSE_TAG;
const TAG = reuseTag ?? 'containers-suite';
const secrets = {
  ADMIN_API_KEY: `admin-${randomBytes(12).toString('hex')}`,
  MEDIA_URL_SECRET: randomBytes(32).toString('hex'),
  WEBHOOK_SECRET: randomBytes(32).toString('hex'),
  METRICS_TOKEN: randomBytes(16).toString('hex'),
};
/** Megabytes as `docker images` prints them. */
const MB = 1_000_000;

let images: ThirdPartyImages;
let fleet: ComposeFleet;
let api: string; // http://127.0.0.1:<proxy port>
let receiver: string;
let db: PrismaClient;

async function call<T>(
  method: string,
  path: string,
  key: string,
  body?: unknown,
  headers: Record<string, string> = {},
) {
  const res = await fetch(`${api}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${key}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

/** `HGET`/`LRANGE` through the Redis container's own client (Redis is not published). */
async function redisCli(...args: string[]): Promise<string[]> {
  const [redis] = await fleet.containerIds('redis');
  return (await docker(['exec', redis!, 'redis-cli', '--raw', ...args])).split('\n').filter(Boolean);
}

/** The container whose worker holds an active job of `queue`, and that job's id. */
async function holderOfActiveJob(
  queue: string,
): Promise<{ containerId: string; bullJobId: string } | undefined> {
  for (const bullJobId of await redisCli('LRANGE', `podfleet:${queue}:active`, '0', '-1')) {
    const [processedBy] = await redisCli('HGET', `podfleet:${queue}:${bullJobId}`, 'pb');
    // Worker names are `<app>@<hostname>:<pid>`; a container's hostname is its short id.
    const host = /@([0-9a-f]{12}):/.exec(processedBy ?? '')?.[1];
    if (host) return { containerId: host, bullJobId };
  }
  return undefined;
}

const longText = (topic: string) =>
  Array.from(
    { length: 30 },
    (_, i) =>
      `${topic} report, part ${i + 1}: officials said on Tuesday that ${12 + i} new projects would start this year. ` +
      `Critics argued the budget of ${3 + i} million was too small, while supporters pointed to ${40 + i} jobs created. ` +
      `A final decision is expected after the council meets again in ${i % 12 === 0 ? 'spring' : 'autumn'}.`,
  ).join('\n\n');

interface Listener {
  email: string;
  key: string;
  webhookSecret: string;
  feedUrl: string;
  jobIds: string[];
}
const listeners: Listener[] = [];
const sse: { events: string[]; done: Promise<void> } = { events: [], done: Promise.resolve() };

beforeAll(async () => {
  const unavailable = await dockerUnavailable();
  if (unavailable)
    throw new Error(`no Docker engine answers here (${unavailable}): the container suite cannot run`);
  images = await thirdPartyImages(childEnv(), log);
  const buildStarted = Date.now();
  if (!reuseTag) await buildImages(images.BASE_IMAGE, TAG, log);
  log(`images ready in ${((Date.now() - buildStarted) / 1000).toFixed(0)} s`);
  fleet = new ComposeFleet({ project: `pfct${runId}`, images, tag: TAG, secrets, log });
  log(`bringing up compose project ${fleet.project}`);
  const upStarted = Date.now();
  await fleet.up();
  log(`fleet up in ${((Date.now() - upStarted) / 1000).toFixed(0)} s`);
  api = `http://${await fleet.published('proxy', 80)}`;
  receiver = `http://${await fleet.published('webhook-receiver', 8080)}`;
  const postgres = await fleet.published('postgres', 5432);
  db = createPrismaClient(`postgresql://podfleet:podfleet@${postgres}/podfleet`);
  await waitFor(async () => (await fetch(`${api}/health`).catch(() => undefined))?.ok, {
    timeoutMs: 60_000,
    what: 'the API through the proxy',
  });
}, 1_800_000);

afterAll(async () => {
  await db?.$disconnect();
  // Also when a scenario failed: never leave a fleet running.
  await fleet?.down().catch((err: unknown) => log(`down failed: ${String(err)}`));
}, 120_000);

describe('images', () => {
  it('stay within their size budgets, and only audio carries ffmpeg and espeak', async () => {
    const sizes: Record<string, number> = {};
    for (const target of ['api', 'scraper', 'uploader', 'audio'] as const) {
      sizes[target] = Math.round((await imageSize(imageName(target, TAG))) / MB);
    }
    log(`image sizes (MB, uncompressed): ${JSON.stringify(sizes)}`);
    expect(sizes.api).toBeLessThanOrEqual(350);
    expect(sizes.scraper).toBeLessThanOrEqual(350);
    expect(sizes.uploader).toBeLessThanOrEqual(350);
    expect(sizes.audio).toBeLessThanOrEqual(450);
    const tools = async (target: string) =>
      docker([
        'run',
        '--rm',
        '--entrypoint',
        'sh',
        imageName(target as 'api', TAG),
        '-c',
        'command -v espeak-ng || true; ls -d node_modules/@ffmpeg-installer node_modules/espeak-ng 2>/dev/null || true',
      ]);
    for (const target of ['api', 'scraper', 'uploader'])
      expect({ target, found: (await tools(target)).trim() }).toEqual({ target, found: '' });
    expect((await tools('audio')).split('\n').filter(Boolean)).toEqual([
      '/usr/bin/espeak-ng',
      'node_modules/@ffmpeg-installer',
      'node_modules/espeak-ng',
    ]);
  });
});

describe('the fleet boots', () => {
  it('runs every app healthy, as a non-root user, on a read-only root filesystem, on Node 24', async () => {
    const expected = { api: 2, scraper: 2, script: 1, audio: 3, uploader: 1 };
    for (const [service, count] of Object.entries(expected)) {
      const containers = await waitFor(
        async () => {
          const list = await fleet.containers(service);
          return list.length === count && list.every((c) => c.running && c.health === 'healthy') && list;
        },
        { timeoutMs: 120_000, intervalMs: 1_000, what: `${count} healthy ${service} containers` },
      );
      for (const c of containers) {
        expect({ service, user: c.user, readOnly: c.readOnlyRootfs }).toEqual({
          service,
          user: 'podfleet',
          readOnly: true,
        });
      }
      const version = await docker(['exec', containers[0]!.id, 'node', '--version']);
      expect(version.trim()).toMatch(/^v24\./);
      // The uid the Kubernetes manifests run as (runAsUser 999).
      expect((await docker(['exec', containers[0]!.id, 'id', '-u'])).trim()).toBe('999');
    }
  });

  it('gives secrets only to the services that sign or verify', async () => {
    const secretNames = ['ADMIN_API_KEY', 'MEDIA_URL_SECRET', 'WEBHOOK_SECRET', 'METRICS_TOKEN'];
    const held = async (service: string) => {
      const [c] = await fleet.containers(service);
      return secretNames.filter((name) => c!.env[name]);
    };
    expect(await held('api')).toEqual(secretNames);
    expect(await held('uploader')).toEqual(['MEDIA_URL_SECRET', 'WEBHOOK_SECRET']);
    for (const service of ['scraper', 'script', 'audio', 'migrate'])
      expect({ service, held: await held(service).catch(() => []) }).toEqual({ service, held: [] });
  });

  it('gives each worker role its own queues', async () => {
    const roles = async (service: string) => (await fleet.containers(service))[0]!.env.WORKER_QUEUES;
    expect(await roles('scraper')).toBe('scrape,pregenerate');
    expect(await roles('script')).toBe('script');
    const [script] = await fleet.containerIds('script');
    const ready = (await fleet.logs(script!)).split('\n').find((line) => line.includes('"msg":"ready"'));
    expect(ready).toContain('script');
    expect(ready).not.toContain('"scrape"');
  });
});

describe('three users, 12 episodes, under faults', () => {
  it('accepts 12 episodes from three users through the proxy', async () => {
    for (const name of ['ada', 'ben', 'cleo']) {
      const email = `${name}-${runId}@example.com`;
      const created = await call<{ apiKey: string }>('POST', '/v1/users', secrets.ADMIN_API_KEY, {
        email,
        timezone: 'Europe/Paris',
      });
      const me = await call<{ feedUrl: string; webhookSecret: string }>('GET', '/v1/me', created.apiKey);
      listeners.push({
        email,
        key: created.apiKey,
        webhookSecret: me.webhookSecret,
        feedUrl: me.feedUrl,
        jobIds: [],
      });
    }
    for (let i = 0; i < 12; i++) {
      const listener = listeners[i % 3]!;
      // The first job reads a slow web page, so a scraper is caught in the middle of its stage: 30 s,
      // so it still runs SHUTDOWN_TIMEOUT_MS (10 s) after the stop however long finding it took.
      const source =
        i === 0
          ? { kind: 'url', url: 'http://webhook-receiver:8080/slow-article?ms=30000&once=1' }
          : { kind: 'text', title: `Council update ${i}`, text: longText(`Council ${i}`) };
      const ticket = await call<{ jobId: string; status: string }>(
        'POST',
        '/v1/episodes',
        listener.key,
        {
          type: 'custom',
          sources: [source],
          style: { targetMinutes: 3 },
          webhookUrl: `http://webhook-receiver:8080/hooks/${i}`,
        },
        { 'x-request-id': `ct-${runId}-${i}` },
      );
      expect(ticket.status).toBe('queued');
      listener.jobIds.push(ticket.jobId);
    }
    // One job's events followed live through the proxy (SSE), from here to its end.
    const followed = listeners[1]!;
    const res = await fetch(`${api}/v1/jobs/${followed.jobIds[0]}/events`, {
      headers: { authorization: `Bearer ${followed.key}`, accept: 'text/event-stream' },
    });
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    sse.done = (async () => {
      const decoder = new TextDecoder();
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        for (const m of decoder.decode(chunk).matchAll(/^event: (\S+)$/gm)) sse.events.push(m[1]!);
      }
    })();
  });

  it('hands a scraper job over when its container is stopped gracefully mid-stage', async () => {
    await waitFor(
      async () => ((await (await fetch(`${receiver}/requests`)).json()) as unknown[]).length > 0,
      {
        timeoutMs: 60_000,
        what: 'a scraper fetching the slow page',
      },
    );
    const holder = await waitFor(() => holderOfActiveJob('scrape'), {
      timeoutMs: 10_000,
      what: 'the scrape job holder',
    });
    log(`stopping scraper ${holder.containerId} (holds ${holder.bullJobId})`);
    const stopped = Date.now();
    await fleet.stop(holder.containerId, 30);
    // SHUTDOWN_TIMEOUT_MS is 10 s in the test fleet: the job went back to the queue, not killed at 30 s.
    expect(Date.now() - stopped).toBeLessThan(25_000);
    const logs = await fleet.logs(holder.containerId);
    expect(logs).toMatch(/handed back/);
  });

  it('recovers the job of an audio container killed while it holds it', async () => {
    // A holder found by polling can finish its job before the kill lands (a loaded machine widens
    // that window): then the next holder is tried, at most two of the three audio containers.
    for (let kills = 1; ; kills++) {
      const holder = await waitFor(() => holderOfActiveJob('audio'), {
        timeoutMs: 120_000,
        intervalMs: 100,
        what: 'an audio job in progress',
      });
      log(`killing audio ${holder.containerId} (holds ${holder.bullJobId})`);
      await fleet.kill(holder.containerId);
      const jobId = holder.bullJobId.split('.')[0]!;
      const job = await db.job.findUniqueOrThrow({ where: { id: jobId } });
      if (job.status !== 'completed' || kills === 2) {
        expect(job.status).not.toBe('completed');
        return;
      }
      log(`job ${jobId} completed before the kill landed: trying the next holder`);
    }
  });

  it('survives a Redis restart that loses every key while jobs are in flight', async () => {
    const all = listeners.flatMap((l) => l.jobIds);
    const unfinished = await db.job.count({
      where: { id: { in: all }, status: { in: ['queued', 'running'] } },
    });
    expect(unfinished).toBeGreaterThan(0);
    const [redis] = await fleet.containerIds('redis');
    log(`restarting Redis with ${unfinished} jobs unfinished`);
    await fleet.restart(redis!);
    expect(await redisCli('DBSIZE')).toEqual([expect.stringMatching(/^\d+$/)]);
  });

  it('completes every job', async () => {
    const all = listeners.flatMap((l) => l.jobIds);
    const started = Date.now();
    await waitFor(
      async () => (await db.job.count({ where: { id: { in: all }, status: 'completed' } })) === all.length,
      { timeoutMs: 600_000, intervalMs: 2_000, what: 'all 12 jobs completed' },
    ).catch(async (err: unknown) => {
      const jobs = await db.job.findMany({
        where: { id: { in: all } },
        select: { id: true, status: true, phase: true, errorCode: true, errorMessage: true },
      });
      log(await fleet.compose(['logs', '--no-color', '--tail', '40']));
      throw new Error(`${String(err)}: ${JSON.stringify(jobs)}`);
    });
    log(`all 12 jobs completed ${((Date.now() - started) / 1000).toFixed(0)} s after the Redis restart`);
    await sse.done;
    expect(sse.events.at(-1)).toBe('completed');
    expect(sse.events).toContain('progress');
  });
});

describe('exactly once', () => {
  it('publishes one episode and completes the upload stage once per job', async () => {
    for (const jobId of listeners.flatMap((l) => l.jobIds)) {
      const job = await db.job.findUniqueOrThrow({ where: { id: jobId } });
      const episodes = await db.episode.findMany({ where: { jobId } });
      const events = await db.jobEvent.findMany({
        where: { jobId, type: { in: ['stage_completed', 'completed'] } },
      });
      expect({
        jobId,
        status: job.status,
        episodes: episodes.length,
        linked: job.episodeId === episodes[0]?.id,
        uploads: events.filter((e) => (e.data as { stage?: string }).stage === 'upload').length,
        completions: events.filter((e) => e.type === 'completed').length,
      }).toEqual({ jobId, status: 'completed', episodes: 1, linked: true, uploads: 1, completions: 1 });
    }
  });

  it('delivers one signed webhook per job', async () => {
    const received = (await (await fetch(`${receiver}/deliveries`)).json()) as {
      headers: Record<string, string>;
      body: string;
    }[];
    for (const listener of listeners) {
      for (const jobId of listener.jobIds) {
        const mine = received.filter((d) => (JSON.parse(d.body) as { job: { id: string } }).job.id === jobId);
        expect({ jobId, deliveries: mine.map((d) => d.headers['x-podfleet-event']) }).toEqual({
          jobId,
          deliveries: ['job.completed'],
        });
        expect(
          verifySignature(listener.webhookSecret, mine[0]!.body, mine[0]!.headers['x-podfleet-signature']),
        ).toBe(true);
        const recorded = await db.webhookDelivery.count({ where: { jobId, statusCode: 204 } });
        expect({ jobId, recorded }).toEqual({ jobId, recorded: 1 });
      }
    }
  });

  it('serves every MP3 through the proxy, and each plays', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'podfleet-containers-'));
    try {
      for (const listener of listeners) {
        for (const jobId of listener.jobIds) {
          const job = await call<{ episodeId: string }>('GET', `/v1/jobs/${jobId}`, listener.key);
          const res = await fetch(`${api}/v1/episodes/${job.episodeId}/audio`, {
            headers: { authorization: `Bearer ${listener.key}` },
          });
          expect(res.status).toBe(200);
          const file = join(dir, `${jobId}.mp3`);
          writeFileSync(file, Buffer.from(await res.arrayBuffer()));
          const probe = await probeAudio(file);
          expect({ codec: probe.codec, sampleRate: probe.sampleRate }).toEqual({
            codec: 'mp3',
            sampleRate: 44_100,
          });
          expect(probe.durationSec).toBeGreaterThan(30);
          // Plays: every frame decodes without an error (the npm ffprobe is not executable under pnpm).
          const decoded = await decodeToPcm(file, 44_100);
          expect(decoded.errors).toBe('');
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("lists each user's episodes in their feed", async () => {
    for (const listener of listeners) {
      const feed = await fetch(`${api}${new URL(listener.feedUrl).pathname}`);
      expect(feed.status).toBe(200);
      const rss = new XMLParser({ ignoreAttributes: false }).parse(await feed.text()) as {
        rss: { channel: { item: { enclosure: { '@_url': string } }[] } };
      };
      const items = [rss.rss.channel.item].flat();
      const episodeIds = (await db.job.findMany({ where: { id: { in: listener.jobIds } } })).map(
        (j) => j.episodeId!,
      );
      expect(items).toHaveLength(4);
      for (const id of episodeIds)
        expect(items.some((item) => item.enclosure['@_url'].includes(id))).toBe(true);
    }
  });

  it('spread the requests over both API replicas', async () => {
    const replicas = await fleet.containerIds('api');
    const served = await Promise.all(
      replicas.map(
        async (id) => (await fleet.logs(id)).match(new RegExp(`ct-${runId}-\\d+`, 'g'))?.length ?? 0,
      ),
    );
    expect(served).toHaveLength(2);
    expect(served.every((n) => n > 0)).toBe(true);
  });
});

describe('teardown', () => {
  it('docker-compose down -v leaves no container, network or volume behind', async () => {
    await db.$disconnect();
    await fleet.down();
    expect(await fleet.leftovers()).toEqual({ containers: [], networks: [], volumes: [] });
  });
});

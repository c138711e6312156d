// Contract-driven fuzzing: 10 000 requests generated from the OpenAPI document (every documented
// operation: bodies, path and query parameters, headers such as Range and Idempotency-Key, the
// cover upload's raw and multipart bodies, credentials), mostly valid with mutations, sent to the
// real app over HTTP. None may answer 5xx, every error is problem+json, and neither the process
// nor the app's log records an unhandled rejection or an error.
import { Writable } from 'node:stream';
import { COVER_MIN_PX, renderCover } from '@podfleet/artwork';
import { createApiKey } from '@podfleet/db';
import { publishVoiceList } from '@podfleet/providers';
import fc from 'fast-check';
import { contractRequests, type FuzzRequest, type FuzzWorld } from '../test/contract-fuzz';
import { makeEpisode } from '../test/fixtures';
import { ADMIN_KEY, startTestApi, type TestApi, testEnv } from '../test/harness';

/** Fixed, so a failure replays: the report names each failing request in full. */
const SEED = 20261207;
const REQUESTS = 10_000;
/** Requests in flight at once (a few clients, as in service; also keeps the run short). */
const CONCURRENCY = 4;

interface LogLine {
  /** pino's label (`error`), or its number where labels are off. */
  level: string | number;
  msg?: string;
  err?: unknown;
}

let t: TestApi;
let baseUrl = '';
let world: FuzzWorld;
const logLines: LogLine[] = [];
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);

beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled);
  // Generous limits: a 429 or a full queue is a correct answer, but would hide the routes behind it.
  t = await startTestApi(testEnv(process.env, 'contract-fuzz'), {
    // Health checks get the time a loaded machine needs (a slow dependency is its 503, not a fault).
    settings: {
      maxQueueSize: 1_000_000,
      userRequestsPerMinute: 1_000_000,
      userMaxActiveJobs: 1_000_000,
      healthTimeoutMs: 30_000,
    },
    logDestination: new Writable({
      write(chunk, _enc, done) {
        for (const line of String(chunk).split('\n').filter(Boolean)) logLines.push(JSON.parse(line));
        done();
      },
    }),
  });
  const { user, key } = await t.createUser({
    sources: [{ kind: 'text', title: 'Saved', text: 'Saved text.' }],
  });
  // Rows of every kind the routes look up, so ids reach past "not found": an episode (and its
  // job), a second key of the user (revocable without locking the fuzzer out), the user.
  const { job, episode } = await makeEpisode(t.db, t.storage, user.id);
  // Its script (GET/PUT script, rerender), a clip with its media, and an archived episode for
  // the admin's restore.
  const script = {
    title: 'Budget day',
    description: 'What the budget means',
    hosts: [
      { name: 'Maya', voice: 'voice-maya' },
      { name: 'Theo', voice: 'voice-theo' },
    ],
    chapters: [{ title: 'Intro' }],
    lines: [
      { speaker: 'Maya', text: 'Welcome to the show.', chapter: 0 },
      { speaker: 'Theo', text: 'Today: the budget.', chapter: 0 },
    ],
    wordCount: 7,
    usage: null,
  };
  await t.storage.put(`jobs/${job.id}/script.json`, Buffer.from(JSON.stringify(script)), {
    contentType: 'application/json',
  });
  const clipKey = `clips/${user.id}/fuzz.mp3`;
  await t.storage.put(clipKey, Buffer.alloc(2048, 3), { contentType: 'audio/mpeg' });
  const clip = await t.db.clip.create({
    data: {
      userId: user.id,
      episodeId: episode.id,
      jobId: job.id,
      platform: 'generic',
      startSec: 0,
      endSec: 12,
      durationSec: 12,
      score: 0.5,
      confidence: 'medium',
      title: 'Welcome',
      text: 'Welcome to the show.',
      features: {},
      mp3Key: clipKey,
      sizeBytes: 2048n,
    },
  });
  const { episode: archived } = await makeEpisode(t.db, t.storage, user.id);
  await t.storage.copy(archived.audioKey, `archive/${archived.audioKey}`);
  await t.storage.delete(archived.audioKey);
  await t.db.episode.update({ where: { id: archived.id }, data: { archivedAt: new Date() } });
  const { apiKey: spareKey } = await createApiKey(t.db, user.id, 'spare');
  // Feeds are read through another user's token: the fuzzer rotates its own user's token.
  const { user: listener } = await t.createUser();
  // What an audio worker publishes when it starts (GET /v1/voices answers 503 before).
  await publishVoiceList(t.redis, t.settings.prefix, {
    engine: 'elevenlabs',
    voices: [
      { id: 'voice-maya', name: 'Maya', languages: ['en'] },
      { id: 'voice-theo', name: 'Theo', languages: ['en'] },
    ],
    languages: ['en'],
    defaults: ['voice-maya', 'voice-theo'],
  });
  baseUrl = await t.listen();
  world = {
    credentials: {
      apiKey: key,
      adminKey: ADMIN_KEY,
      adminBasic: ADMIN_KEY,
      cronSecret: t.settings.cronSecret ?? '',
    },
    ids: {
      episodes: episode.id,
      jobs: job.id,
      users: user.id,
      keys: spareKey.id,
      clips: clip.id,
      versions: '1',
      admin: archived.id,
    },
    tokens: [listener.feedToken],
    known: {
      email: fc.uuid().map((id) => `fuzz-${id}@example.test`),
      timezone: fc.constantFrom('UTC', 'Europe/Paris', 'America/New_York', 'Asia/Tokyo'),
      voice: fc.constantFrom('voice-maya', 'voice-theo'),
      // Reachable without DNS (private addresses are allowed in tests): this API's own pages.
      webhookUrl: fc.constant(`${baseUrl}/health`),
      url: fc.constant(`${baseUrl}/samples/feed.xml`),
      episodeId: fc.constant(episode.id),
      clipId: fc.constant(clip.id),
    },
    upload: await renderCover({ title: 'Fuzzed show', color: '#204060', sizePx: COVER_MIN_PX }),
  };
});

afterAll(async () => {
  process.off('unhandledRejection', onUnhandled);
  await t?.close();
});

/** Sends one request; an event stream is closed once its headers arrived. */
async function send(req: FuzzRequest): Promise<{ status: number; contentType: string }> {
  const withBody = req.body !== undefined && req.method !== 'GET' && req.method !== 'HEAD';
  const res = await fetch(`${baseUrl}${req.path}`, {
    method: req.method,
    headers: req.headers,
    ...(withBody ? { body: req.body } : {}),
    redirect: 'manual',
    signal: AbortSignal.timeout(15_000),
  });
  const contentType = res.headers.get('content-type') ?? '';
  if (contentType.startsWith('text/event-stream')) await res.body?.cancel();
  else await res.arrayBuffer();
  return { status: res.status, contentType };
}

const describeRequest = (req: FuzzRequest) =>
  `${req.method} ${req.path.slice(0, 200)} headers=${JSON.stringify(req.headers).slice(0, 300)} body=${
    req.body ? JSON.stringify(req.body.toString('utf8').slice(0, 300)) : '-'
  }`;

describe('contract-driven fuzzing of the HTTP API', () => {
  it(`answers ${REQUESTS} requests generated from the OpenAPI document without a 5xx (seed ${SEED})`, async () => {
    const requests = fc.sample(contractRequests(world), { numRuns: REQUESTS, seed: SEED });
    const failures: string[] = [];
    const byOperation = new Map<string, Map<number, number>>();
    let next = 0;
    const started = Date.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < requests.length) {
          const req = requests[next++]!;
          let answer: { status: number; contentType: string };
          try {
            answer = await send(req);
          } catch (err) {
            failures.push(`${describeRequest(req)} → no answer: ${(err as Error).message}`);
            continue;
          }
          const counts = byOperation.get(req.operation) ?? new Map<number, number>();
          counts.set(answer.status, (counts.get(answer.status) ?? 0) + 1);
          byOperation.set(req.operation, counts);
          if (answer.status >= 500) failures.push(`${describeRequest(req)} → ${answer.status}`);
          else if (
            answer.status >= 400 &&
            req.method !== 'HEAD' &&
            !answer.contentType.startsWith('application/problem+json')
          )
            failures.push(
              `${describeRequest(req)} → ${answer.status} not problem+json (${answer.contentType})`,
            );
        }
      }),
    );
    const seconds = (Date.now() - started) / 1000;
    expect(failures.slice(0, 20)).toEqual([]);
    expect(unhandled).toEqual([]);
    const errors = logLines.filter(
      (l) => ['error', 'fatal'].includes(String(l.level)) || Number(l.level) >= 50,
    );
    expect(errors.slice(0, 5)).toEqual([]);

    // The mix really reached every documented operation, and past validation on most of them.
    const total = [...byOperation.values()].flatMap((c) => [...c.values()]).reduce((a, b) => a + b, 0);
    expect(total).toBe(REQUESTS);
    const operations = [...byOperation.keys()];
    expect(operations.length).toBeGreaterThanOrEqual(40);
    const answeredOk = operations.filter((op) => [...byOperation.get(op)!.keys()].some((s) => s < 300));
    expect(answeredOk.length / operations.length).toBeGreaterThan(0.8);
    process.stdout.write(
      `contract fuzz: ${total} requests in ${seconds.toFixed(1)} s; operations answered 2xx: ${answeredOk.length}/${operations.length}\n`,
    );
  }, 900_000);
});

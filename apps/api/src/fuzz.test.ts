// Bad input never breaks the API: ≥ 1 000 random and malformed requests (bodies, headers, paths,
// query strings, URLs) get answers below 500, each a problem+json when it is an error.
import request from 'supertest';
import { ADMIN_KEY, startTestApi, type TestApi, testEnv } from '../test/harness';

let t: TestApi;
let userKey = '';
beforeAll(async () => {
  // Generous limits: a 429 or a full queue is a correct answer, but would hide the routes behind it.
  t = await startTestApi(testEnv(process.env, 'fuzz'), {
    settings: { maxQueueSize: 1_000_000, userRequestsPerMinute: 1_000_000, userMaxActiveJobs: 1_000_000 },
  });
  ({ key: userKey } = await t.createUser({
    sources: [{ kind: 'text', title: 'Saved', text: 'Saved text.' }],
  }));
});
afterAll(() => t.close());

/** Deterministic PRNG (mulberry32) so a failure can be replayed from its seed. */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

const SEED = 20261126;
const random = prng(SEED);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
const int = (max: number) => Math.floor(random() * max);

const NASTY_STRINGS = [
  '',
  ' ',
  '\u0000',
  '../../etc/passwd',
  '%2e%2e%2f',
  '%',
  '%ZZ',
  "' OR 1=1 --",
  '<script>alert(1)</script>',
  '💥'.repeat(50),
  'a'.repeat(5000),
  '\ud800',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal log4shell probe string, on purpose
  '${jndi:ldap://x}',
  '__proto__',
  'constructor',
  '-1',
  '1e309',
  'NaN',
  'null',
];
const URLS = [
  'http://127.0.0.1/',
  'http://[::1]/',
  'http://0x7f000001/',
  'http://2130706433/',
  'http://169.254.169.254/latest/meta-data/',
  'http://10.0.0.1/',
  'http://192.168.1.1/',
  'file:///etc/passwd',
  'gopher://127.0.0.1:6379/_FLUSHALL',
  'ftp://example.com/',
  'javascript:alert(1)',
  'http://',
  `https://example.com/${'x'.repeat(3000)}`,
  'not a url',
];

function randomJson(depth = 0): unknown {
  switch (int(depth > 3 ? 5 : 8)) {
    case 0:
      return pick(NASTY_STRINGS);
    case 1:
      return pick([0, -1, 1.5, 1e308, -1e308, Number.MAX_SAFE_INTEGER + 2]);
    case 2:
      return pick([true, false, null]);
    case 3:
      return pick(URLS);
    case 4:
      return int(1000);
    case 5:
      return Array.from({ length: int(5) }, () => randomJson(depth + 1));
    default:
      return Object.fromEntries(
        Array.from({ length: int(6) }, () => [
          pick([
            'type',
            'sources',
            'style',
            'kind',
            'url',
            'text',
            'title',
            'hosts',
            'targetMinutes',
            'priority',
            'webhookUrl',
            'email',
            'timezone',
            '__proto__',
            pick(NASTY_STRINGS),
          ]),
          randomJson(depth + 1),
        ]),
      );
  }
}

/** Mutations of a valid episode request: mostly-right bodies reach deeper code than noise. */
function mutatedEpisodeRequest(): unknown {
  const body: Record<string, unknown> = {
    type: pick(['custom', 'daily', 'weekly', 'hourly', 3, null]),
    sources: pick([
      [{ kind: 'text', title: pick(NASTY_STRINGS), text: pick(NASTY_STRINGS) }],
      [{ kind: 'url', url: pick(URLS) }],
      [{ kind: 'rss', url: pick(URLS), maxItems: pick([1, 0, -5, 51, 2.5, '3']) }],
      [
        {
          kind: 'congress',
          congress: pick([118, 0, -1, 'x']),
          billType: pick(['hr', 'zz', '']),
          billNumber: pick([1, -1]),
        },
      ],
      [{ kind: 'congress', recent: pick([5, 0, 1000]) }],
      Array.from({ length: 25 }, () => ({ kind: 'text', title: 't', text: 'x' })),
      [],
      'sources',
    ]),
    style: pick([
      { hosts: [{ name: pick(NASTY_STRINGS) }], targetMinutes: pick([3, 0, -1, 1e9, 'three']) },
      { hosts: Array.from({ length: 9 }, () => ({ name: 'H' })) },
      { tone: 'x'.repeat(500), language: pick(['en', '', 'x'.repeat(20)]) },
      undefined,
    ]),
    priority: pick(['high', 'normal', 'low', 'urgent', undefined]),
    webhookUrl: pick([...URLS, undefined]),
    forceRegenerate: pick([true, false, 'yes', undefined]),
  };
  if (random() < 0.3) body[pick(NASTY_STRINGS)] = randomJson();
  return body;
}

/** Percent-encodes, or sends a lone surrogate's raw UTF-8 bytes (invalid) when it cannot. */
const enc = (value: string) => {
  try {
    return encodeURIComponent(value);
  } catch {
    return '%ED%A0%80';
  }
};
const ID = () =>
  pick(['00000000-0000-0000-0000-000000000000', 'nope', pick(NASTY_STRINGS), '1', 'a'.repeat(300)]);
const ROUTES: Array<[string, () => string]> = [
  ['POST', () => '/v1/episodes'],
  ['POST', () => '/v1/episodes'],
  ['POST', () => '/v1/episodes'],
  [
    'GET',
    () => `/v1/episodes?cursor=${enc(pick(NASTY_STRINGS))}&limit=${pick(['-1', '0', '101', 'x', '5'])}`,
  ],
  ['GET', () => `/v1/episodes/${enc(ID())}`],
  [
    'GET',
    () => `/v1/episodes/${enc(ID())}/audio?exp=${pick(['1', 'x', '99999999999'])}&sig=${pick(['', 'abc'])}`,
  ],
  [
    'GET',
    () =>
      `/v1/episodes/${enc(ID())}/transcript?format=${enc(pick(['json', 'vtt', 'srt', 'txt', 'pdf', '']))}`,
  ],
  ['POST', () => `/v1/episodes/${enc(ID())}/listens`],
  [
    'GET',
    () =>
      `/v1/jobs?status=${enc(pick(['queued', 'done', '', 'running,failed']))}&cursor=${enc(pick(NASTY_STRINGS))}`,
  ],
  ['GET', () => `/v1/jobs/${enc(ID())}`],
  ['DELETE', () => `/v1/jobs/${enc(ID())}`],
  ['POST', () => `/v1/jobs/${enc(ID())}/retry`],
  ['POST', () => '/v1/users'],
  ['PATCH', () => '/v1/me'],
  ['GET', () => '/v1/me'],
  ['POST', () => '/v1/keys'],
  ['DELETE', () => `/v1/keys/${enc(ID())}`],
  [
    'GET',
    () =>
      `/v1/admin/jobs?userId=${enc(ID())}&status=${enc(pick(NASTY_STRINGS))}&q=${enc(pick(NASTY_STRINGS))}`,
  ],
  ['GET', () => '/v1/stats'],
  [
    'GET',
    () =>
      `/${pick(['', 'v1', 'v2/episodes', '..%2f..%2fetc', '%00', 'admin/queues', 'admin/queues/api/queues'])}`,
  ],
  ['PUT', () => '/v1/episodes'],
  ['OPTIONS', () => '/v1/episodes'],
];

function authHeader(): Record<string, string> {
  switch (int(7)) {
    case 0:
      return {};
    case 1:
      return { authorization: `Bearer ${userKey}` };
    case 2:
      return { authorization: `Bearer ${userKey}` };
    case 3:
      return { authorization: `Bearer ${ADMIN_KEY}` };
    case 4:
      return {
        authorization: `Basic ${Buffer.from(`x:${pick([ADMIN_KEY, 'wrong', ''])}`).toString('base64')}`,
      };
    case 5:
      return {
        authorization: pick([
          'Bearer',
          'Bearer ',
          'Basic !!!',
          'Token x',
          `Bearer pf_${'a'.repeat(32)}`,
          'Bearer \u00ff',
        ]),
      };
    default:
      return { authorization: `Bearer ${pick(NASTY_STRINGS).replace(/[^\x20-\x7e]/g, '')}` };
  }
}

function bodyFor(method: string): { contentType?: string; body?: string | Buffer } {
  if (method === 'GET' || method === 'DELETE' || method === 'OPTIONS') return {};
  switch (int(6)) {
    case 0:
      return { contentType: 'application/json', body: JSON.stringify(mutatedEpisodeRequest()) };
    case 1:
      return { contentType: 'application/json', body: JSON.stringify(randomJson()) };
    case 2:
      return {
        contentType: 'application/json',
        body: pick(['{', '{"a":', '[1,2', 'nul', '"\\u12"', '{"a":1}}', '\u0000']),
      };
    case 3:
      return {
        contentType: pick([
          'text/plain',
          'application/xml',
          'multipart/form-data; boundary=x',
          'application/json; charset=latin1',
        ]),
        body: 'a=1&b=2',
      };
    case 4:
      return {
        contentType: 'application/json',
        body: Buffer.from(Array.from({ length: int(200) }, () => int(256))),
      };
    default:
      return {
        contentType: 'application/json',
        body: JSON.stringify({
          email: pick([...NASTY_STRINGS, 'ok@example.test']),
          timezone: pick(['Mars/Olympus', 'UTC', '']),
          sources: randomJson(),
        }),
      };
  }
}

describe('fuzzing the HTTP API', () => {
  it(`answers 1 200 random and malformed requests without a 5xx (seed ${SEED})`, async () => {
    const statuses = new Map<number, number>();
    const serverErrors: string[] = [];
    for (let i = 0; i < 1200; i++) {
      const [method, path] = pick(ROUTES);
      const url = path();
      const { contentType, body } = bodyFor(method);
      let req = request(t.app)[method.toLowerCase() as 'get'](url).set(authHeader());
      if (random() < 0.2)
        req = req.set('X-Request-Id', pick(NASTY_STRINGS).replace(/[^\x20-\x7e]/g, '') || 'x');
      if (random() < 0.1)
        req = req.set('Range', pick(['bytes=0-', 'bytes=-5', 'bytes=9-1', 'bytes=a-b', 'items=0-1']));
      if (random() < 0.1)
        req = req.set('Idempotency-Key', pick(NASTY_STRINGS).replace(/[^\x20-\x7e]/g, '') || 'k');
      if (contentType) req = req.set('Content-Type', contentType);
      const res = await (body === undefined ? req : req.send(body));
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      if (res.status >= 500)
        serverErrors.push(
          `#${i} ${method} ${url.slice(0, 120)} → ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`,
        );
      if (
        res.status >= 400 &&
        method !== 'OPTIONS' &&
        !String(res.headers['content-type']).startsWith('application/problem+json')
      ) {
        serverErrors.push(
          `#${i} ${method} ${url.slice(0, 120)} → ${res.status} is not problem+json (${res.headers['content-type']})`,
        );
      }
    }
    expect(serverErrors).toEqual([]);
    // The mix really exercised both sides: plenty of rejections and some successes.
    const total = [...statuses.values()].reduce((a, b) => a + b, 0);
    const ok = [...statuses].filter(([s]) => s < 300).reduce((a, [, n]) => a + n, 0);
    expect(total).toBe(1200);
    expect(ok).toBeGreaterThan(20);
    expect(statuses.get(422) ?? 0).toBeGreaterThan(25);
    expect(statuses.get(401) ?? 0).toBeGreaterThan(50);
  });
});

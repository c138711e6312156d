import type { ServerResponse } from 'node:http';
import { type FakeServer, type RecordedRequest, startHttpServer } from '@podfleet/test-kit';
import { ProviderError } from '../types';
import { safeFetch, trustedFetch } from './safe-fetch';
import type { ForbiddenAddressError, HostResolver } from './ssrf';

type Route = (req: RecordedRequest, res: ServerResponse) => void;

/** One fake server for the suite; each test mounts its routes. */
let server: FakeServer;
let routes: Record<string, Route> = {};
let port = '';
beforeAll(async () => {
  server = await startHttpServer((req, res) => {
    const route = routes[new URL(req.url, 'http://x').pathname];
    if (route) return route(req, res);
    res.writeHead(404).end();
  });
  port = new URL(server.url).port;
});
afterAll(() => server.close());
beforeEach(() => {
  routes = {};
  server.requests.length = 0;
});

const text =
  (body: string, type = 'text/plain'): Route =>
  (_req, res) =>
    void res.writeHead(200, { 'content-type': type }).end(body);
const redirect =
  (to: string, status = 302): Route =>
  (_req, res) =>
    void res.writeHead(status, { location: to }).end();
const local = { allowPrivate: true, timeoutMs: 5_000 };

async function failure(promise: Promise<unknown>): Promise<ProviderError> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(err instanceof ProviderError)) throw new Error(`expected a ProviderError, got ${String(err)}`);
  return err;
}

describe('safeFetch guard', () => {
  // Each literal would reach the fake (it listens on 127.0.0.1) if the guard let it through.
  it.each([
    '127.0.0.1',
    '[::ffff:127.0.0.1]',
    '0x7f000001',
    '2130706433',
    '0177.0.0.1',
    '127.1',
    'localhost',
  ])('refuses http://%s:PORT without connecting', async (host) => {
    routes['/'] = text('secret');
    const err = await failure(safeFetch(`http://${host}:${port}/`, { timeoutMs: 2_000 }));
    expect(err).toMatchObject({ code: 'SOURCE_FORBIDDEN', retryable: false });
    expect(server.requests).toHaveLength(0);
  });

  it.each([
    'http://[::1]/',
    'http://169.254.169.254/latest/meta-data/',
    'http://10.0.0.1/',
    'http://192.168.1.1/',
    'http://172.16.0.1/',
    'http://100.64.0.1/',
    'http://[fe80::1]/',
    'http://[fc00::1]/',
    'http://metadata.google.internal/',
    'file:///etc/passwd',
    'gopher://x/',
    'ftp://x/',
  ])('refuses %s', async (url) => {
    const started = Date.now();
    const err = await failure(safeFetch(url, { timeoutMs: 2_000 }));
    expect(err).toMatchObject({ code: 'SOURCE_FORBIDDEN', retryable: false });
    expect(Date.now() - started).toBeLessThan(500); // refused up front, not a connect timeout
  });

  it('keeps refusing other schemes with allowPrivate', async () => {
    for (const url of ['file:///etc/passwd', 'gopher://127.0.0.1/', 'ftp://127.0.0.1/']) {
      await expect(safeFetch(url, local)).rejects.toMatchObject({ code: 'SOURCE_FORBIDDEN' });
    }
  });

  it('refuses a host name that resolves to loopback', async () => {
    routes['/'] = text('secret');
    const resolve: HostResolver = async () => [{ address: '127.0.0.1', family: 4 }];
    const err = await failure(safeFetch(`http://intranet.test:${port}/`, { resolve }));
    expect(err.code).toBe('SOURCE_FORBIDDEN');
    // The user reads only that it is not public; the host and its address are for the logs (issue #18).
    expect(err.message).toBe('not a public address');
    expect((err as ForbiddenAddressError).detail).toContain('intranet.test resolves to 127.0.0.1');
    expect(server.requests).toHaveLength(0);
  });

  it('pins the connection to the checked address (DNS rebinding)', async () => {
    routes['/'] = text('secret');
    // First answer (the pre-check) public, every later one (the socket's own lookup) loopback.
    let lookups = 0;
    const resolve: HostResolver = async () => [
      { address: lookups++ === 0 ? '93.184.215.14' : '127.0.0.1', family: 4 },
    ];
    const err = await failure(safeFetch(`http://rebind.test:${port}/`, { resolve }));
    expect(err.code).toBe('SOURCE_FORBIDDEN');
    expect(lookups).toBe(2);
    expect(server.requests).toHaveLength(0);
  });

  it('refuses a redirect from an allowed host to loopback', async () => {
    const internal = await startHttpServer(
      (_req, res) => void res.writeHead(200, { 'content-type': 'text/plain' }).end('internal secret'),
    );
    try {
      const internalPort = new URL(internal.url).port;
      const resolve: HostResolver = async (host) =>
        host.endsWith('.test') ? [{ address: '127.0.0.1', family: 4 }] : [];
      const opts = { resolve, allowHosts: ['public.test'] };

      routes['/ok'] = text('public page');
      expect((await safeFetch(`http://public.test:${port}/ok`, opts)).body.toString()).toBe('public page');

      for (const target of [
        `http://127.0.0.1:${internalPort}/`,
        `http://internal.test:${internalPort}/`,
        `http://localhost:${internalPort}/`,
      ]) {
        routes['/hop'] = redirect(target);
        const err = await failure(safeFetch(`http://public.test:${port}/hop`, opts));
        expect(err.code).toBe('SOURCE_FORBIDDEN');
      }
      expect(internal.requests).toHaveLength(0);
    } finally {
      await internal.close();
    }
  });
});

describe('safeFetch redirects', () => {
  const chain = (n: number) => {
    for (let i = 0; i < n; i++)
      routes[`/r${i}`] = redirect(i + 1 < n ? `/r${i + 1}` : '/end', i % 2 ? 301 : 307);
    routes['/end'] = text('arrived');
  };

  it('follows up to the cap and reports the final URL', async () => {
    chain(5);
    const res = await safeFetch(`${server.url}/r0`, local);
    expect(res).toMatchObject({ status: 200, url: `${server.url}/end`, contentType: 'text/plain' });
    expect(res.body.toString()).toBe('arrived');
  });

  it('gives up past the cap', async () => {
    chain(6);
    const err = await failure(safeFetch(`${server.url}/r0`, local));
    expect(err).toMatchObject({ code: 'SOURCE_UNREACHABLE', retryable: false });
    expect(err.message).toContain('too many redirects');
    expect(server.requests).toHaveLength(6); // the 7th hop is never requested
  });

  it('honours a smaller maxRedirects', async () => {
    chain(2);
    await expect(safeFetch(`${server.url}/r0`, { ...local, maxRedirects: 1 })).rejects.toMatchObject({
      code: 'SOURCE_UNREACHABLE',
    });
  });

  it('turns POST into GET on 303 and drops credentials on a cross-origin hop', async () => {
    const other = await startHttpServer(
      (_req, res) => void res.writeHead(200, { 'content-type': 'text/plain' }).end('other'),
    );
    try {
      routes['/post'] = redirect(`http://localhost:${new URL(other.url).port}/landing`, 303);
      await safeFetch(`${server.url}/post`, {
        ...local,
        method: 'POST',
        body: '{"a":1}',
        headers: { Authorization: 'Bearer s3cret', 'content-type': 'application/json' },
      });
      expect(server.requests[0]).toMatchObject({ method: 'POST', body: Buffer.from('{"a":1}') });
      expect(server.requests[0]?.headers.authorization).toBe('Bearer s3cret');
      const landed = other.requests[0];
      expect(landed?.method).toBe('GET');
      expect(landed?.headers.authorization).toBeUndefined();
      expect(landed?.headers['content-type']).toBeUndefined();
    } finally {
      await other.close();
    }
  });
});

describe('safeFetch limits and errors', () => {
  it('aborts a streamed body past the size cap (5 MiB default)', async () => {
    let written = 0;
    routes['/big'] = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' }); // chunked: no Content-Length to go by
      const chunk = Buffer.alloc(256 * 1024, 'a');
      const pump = () => {
        while (written < 8 * 1024 * 1024) {
          written += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      res.on('error', () => {});
      pump();
    };
    const err = await failure(safeFetch(`${server.url}/big`, local));
    expect(err).toMatchObject({ code: 'SOURCE_INVALID', retryable: false });
    expect(err.message).toContain(`larger than ${5 * 1024 * 1024} bytes`);
  });

  it('accepts a body of exactly maxBytes', async () => {
    routes['/exact'] = text('x'.repeat(1000));
    expect((await safeFetch(`${server.url}/exact`, { ...local, maxBytes: 1000 })).body).toHaveLength(1000);
  });

  it('refuses a declared Content-Length over the cap before reading', async () => {
    routes['/declared'] = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': String(6 * 1024 * 1024) });
      res.write('a'); // then stall: only the header can end this quickly
    };
    const started = Date.now();
    const err = await failure(safeFetch(`${server.url}/declared`, { ...local, timeoutMs: 10_000 }));
    expect(err.code).toBe('SOURCE_INVALID');
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('times out a server that never answers', async () => {
    routes['/hang'] = () => {};
    const started = Date.now();
    const err = await failure(safeFetch(`${server.url}/hang`, { ...local, timeoutMs: 300 }));
    expect(err).toMatchObject({ code: 'SOURCE_UNREACHABLE', retryable: true });
    expect(err.message).toContain('timed out after 300 ms');
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('times out a body that stalls', async () => {
    routes['/stall'] = (_req, res) =>
      void res.writeHead(200, { 'content-type': 'text/plain' }).write('partial');
    await expect(safeFetch(`${server.url}/stall`, { ...local, timeoutMs: 300 })).rejects.toMatchObject({
      code: 'SOURCE_UNREACHABLE',
      retryable: true,
    });
  });

  it('refuses a content type outside the allow-list', async () => {
    routes['/img'] = text('\x89PNG', 'image/png');
    const err = await failure(
      safeFetch(`${server.url}/img`, { ...local, accept: ['text/html', 'text/plain'] }),
    );
    expect(err).toMatchObject({ code: 'SOURCE_INVALID', retryable: false });
    expect(err.message).toContain('image/png');
  });

  it('matches media types without parameters and with wildcards', async () => {
    routes['/html'] = text('<p>hi</p>', 'Text/HTML; charset=ISO-8859-1');
    const res = await safeFetch(`${server.url}/html`, { ...local, accept: ['text/*'] });
    expect(res).toMatchObject({ contentType: 'text/html', charset: 'iso-8859-1' });
    expect(server.requests[0]?.headers.accept).toBe('text/*');
  });

  it.each([
    [503, true, { 'retry-after': '7' }, 7_000],
    [429, true, { 'retry-after': '120' }, 120_000],
    [502, true, {}, undefined],
    [404, false, { 'retry-after': '7' }, undefined],
    [403, false, {}, undefined],
  ])(
    'maps HTTP %i to SOURCE_UNREACHABLE, retryable: %s',
    async (status, retryable, headers, retryAfterMs) => {
      routes['/status'] = (_req, res) => void res.writeHead(status, headers).end('nope');
      const err = await failure(safeFetch(`${server.url}/status`, local));
      expect(err).toMatchObject({ code: 'SOURCE_UNREACHABLE', retryable, retryAfterMs });
    },
  );

  it('reads Retry-After given as an HTTP date', async () => {
    routes['/date'] = (_req, res) =>
      void res.writeHead(429, { 'retry-after': new Date(Date.now() + 60_000).toUTCString() }).end();
    const err = await failure(safeFetch(`${server.url}/date`, local));
    expect(err.retryAfterMs).toBeGreaterThan(55_000);
    expect(err.retryAfterMs).toBeLessThanOrEqual(60_000);
  });

  it('returns error statuses to a caller that asks for them', async () => {
    routes['/status'] = (_req, res) =>
      void res.writeHead(429, { 'content-type': 'application/json' }).end('{"error":{}}');
    const res = await safeFetch(`${server.url}/status`, { ...local, httpErrors: 'return' });
    expect(res.status).toBe(429);
    expect(res.body.toString()).toBe('{"error":{}}');
  });

  it('calls a refused connection retryable', async () => {
    const closed = await startHttpServer(() => {});
    await closed.close();
    await expect(safeFetch(`${closed.url}/`, local)).rejects.toMatchObject({
      code: 'SOURCE_UNREACHABLE',
      retryable: true,
    });
  });

  it('rethrows the caller abort reason', async () => {
    routes['/hang'] = () => {};
    const controller = new AbortController();
    const pending = safeFetch(`${server.url}/hang`, { ...local, signal: controller.signal });
    const reason = new Error('job cancelled');
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
  });
});

describe('trustedFetch', () => {
  it('reaches a configured loopback endpoint without allowPrivate but keeps http(s) only', async () => {
    routes['/api'] = text('{"ok":true}', 'application/json');
    expect((await trustedFetch(`${server.url}/api`)).body.toString()).toBe('{"ok":true}');
    await expect(trustedFetch('file:///etc/passwd')).rejects.toMatchObject({ code: 'SOURCE_FORBIDDEN' });
  });
});

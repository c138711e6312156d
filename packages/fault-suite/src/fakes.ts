// Local stand-ins for the third parties the fleet talks to, with faults injected per job
// (see faults.ts): Anthropic (a front for @podfleet/providers' fake, which writes the dialogue),
// ElevenLabs (answers with a real MP3) and a web site serving the articles of `url` sources.
import type { ServerResponse } from 'node:http';
import { type FakeAnthropic, startFakeAnthropic } from '@podfleet/providers/testing';
import { type FakeServer, type RecordedRequest, startHttpServer } from '@podfleet/test-kit';
import { type Fault, FaultBook, findTag } from './faults';

export interface FaultyServer {
  url: string;
  faults: FaultBook;
  /** Requests answered normally, per tag. */
  okCount(tag: string): number;
  close(): Promise<void>;
}

function dropConnection(res: ServerResponse): void {
  res.socket?.destroy();
}

async function applyTransportFault(res: ServerResponse, fault: Fault): Promise<boolean> {
  if ('reset' in fault) {
    await new Promise((r) => setTimeout(r, fault.reset));
    dropConnection(res);
    return true;
  }
  if ('silentMs' in fault) {
    // Ends early once the client gives up (closes the connection), so no timer outlives the suite.
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, fault.silentMs);
      res.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
    });
    dropConnection(res);
    return true;
  }
  if ('truncated' in fault) {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': '4096' });
    res.write('{"id":"msg_truncated","type":"message","content":[{"type":"text","text":"{\\"title');
    setImmediate(() => dropConnection(res));
    return true;
  }
  return false;
}

function tracker() {
  const counts = new Map<string, number>();
  return {
    count(tag: string | undefined) {
      if (tag) counts.set(tag, (counts.get(tag) ?? 0) + 1);
    },
    okCount: (tag: string) => counts.get(tag) ?? 0,
  };
}

/** A fake server with its fault book and answered-request counts; closing releases held requests. */
function faultyServer(server: FakeServer, faults: FaultBook, ok: ReturnType<typeof tracker>): FaultyServer {
  return {
    url: server.url,
    faults,
    okCount: ok.okCount,
    async close() {
      faults.releaseAll();
      await server.close();
    },
  };
}

const ANTHROPIC_ERRORS: Record<number, string> = {
  429: 'rate_limit_error',
  500: 'api_error',
  503: 'api_error',
  504: 'api_error',
  529: 'overloaded_error',
};

/**
 * Per tag, resolves once a request of that tag lost its connection before it was answered (its
 * client was killed while the request was held): the server has then seen the close, so a release
 * cannot answer it.
 */
function abandonedRequests() {
  const waiters = new Map<string, () => void>();
  const seen = new Set<string>();
  return {
    watch(tag: string | undefined, res: ServerResponse) {
      if (!tag) return;
      res.once('close', () => {
        if (res.writableEnded) return;
        seen.add(tag);
        waiters.get(tag)?.();
      });
    },
    abandoned: (tag: string) =>
      seen.has(tag) ? Promise.resolve() : new Promise<void>((resolve) => waiters.set(tag, resolve)),
  };
}

/** Anthropic Messages API: faults per tag, otherwise the request goes to the providers' fake. */
export async function startFaultyAnthropic(): Promise<
  FaultyServer & { apiKey: string; abandoned(tag: string): Promise<void> }
> {
  const upstream: FakeAnthropic = await startFakeAnthropic();
  const faults = new FaultBook();
  const ok = tracker();
  const lost = abandonedRequests();
  const server: FakeServer = await startHttpServer(async (req, res) => {
    const text = req.body.toString('utf8');
    lost.watch(findTag(text), res);
    const fault = await faults.decide(text);
    if (res.socket?.destroyed) return; // the worker died while held
    if (fault && (await applyTransportFault(res, fault))) return;
    if (fault && 'status' in fault) {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (fault.retryAfterSec !== undefined) headers['retry-after'] = String(fault.retryAfterSec);
      res.writeHead(fault.status, headers);
      res.end(
        JSON.stringify({
          type: 'error',
          error: { type: ANTHROPIC_ERRORS[fault.status] ?? 'api_error', message: `injected ${fault.status}` },
        }),
      );
      return;
    }
    const answer = await forward(upstream.url, req);
    let body = answer.body;
    if (fault && 'invalidJson' in fault) {
      const message = JSON.parse(body.toString('utf8')) as {
        content: Array<{ type: string; text?: string }>;
      };
      for (const block of message.content) {
        if (block.type === 'text') block.text = 'Here is your script: {"title": "Episode", "lines": [';
      }
      body = Buffer.from(JSON.stringify(message));
    } else {
      ok.count(findTag(text));
    }
    res.writeHead(answer.status, { ...answer.headers, 'content-length': String(body.length) });
    res.end(body);
  });
  const faulty = faultyServer(server, faults, ok);
  return {
    ...faulty,
    apiKey: upstream.apiKey,
    abandoned: lost.abandoned,
    async close() {
      await faulty.close();
      await upstream.close();
    },
  };
}

async function forward(base: string, req: RecordedRequest) {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || ['host', 'content-length', 'connection'].includes(name)) continue;
    headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  const response = await fetch(`${base}${req.url}`, {
    method: req.method,
    headers,
    ...(req.method === 'GET' || req.method === 'HEAD' ? {} : { body: req.body }),
  });
  const out: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    if (!['content-length', 'content-encoding', 'transfer-encoding', 'connection'].includes(name))
      out[name] = value;
  });
  return { status: response.status, headers: out, body: Buffer.from(await response.arrayBuffer()) };
}

/** ElevenLabs text-to-speech: `POST /v1/text-to-speech/:voice` answers `mp3` after `latencyMs`. */
export async function startFaultyElevenLabs(options: {
  apiKey: string;
  mp3: Buffer;
  latencyMs?: number;
}): Promise<FaultyServer> {
  const faults = new FaultBook();
  const ok = tracker();
  const server = await startHttpServer(async (req, res) => {
    if (req.method !== 'POST' || !req.url.startsWith('/v1/text-to-speech/')) {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"detail":"not found"}');
      return;
    }
    if (req.headers['xi-api-key'] !== options.apiKey) {
      res
        .writeHead(401, { 'content-type': 'application/json' })
        .end(JSON.stringify({ detail: { status: 'invalid_api_key', message: 'Invalid API key' } }));
      return;
    }
    const { text } = JSON.parse(req.body.toString('utf8')) as { text: string };
    const fault = await faults.decide(text);
    if (res.socket?.destroyed) return;
    if (fault && (await applyTransportFault(res, fault))) return;
    if (fault && 'status' in fault) {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (fault.retryAfterSec !== undefined) headers['retry-after'] = String(fault.retryAfterSec);
      res
        .writeHead(fault.status, headers)
        .end(JSON.stringify({ detail: { status: 'injected_fault', message: `injected ${fault.status}` } }));
      return;
    }
    if (options.latencyMs) await new Promise((r) => setTimeout(r, options.latencyMs));
    ok.count(findTag(text));
    res.writeHead(200, { 'content-type': 'audio/mpeg', 'content-length': String(options.mp3.length) });
    res.end(options.mp3);
  });
  return faultyServer(server, faults, ok);
}

/** A news site: `/articles/<tag>` is an article page about the tag's topic. */
export async function startFaultySite(): Promise<FaultyServer> {
  const faults = new FaultBook();
  const ok = tracker();
  const server = await startHttpServer(async (req, res) => {
    const fault = await faults.decide(req.url);
    if (res.socket?.destroyed) return;
    if (fault && (await applyTransportFault(res, fault))) return;
    if (fault && 'status' in fault) {
      res.writeHead(fault.status, { 'content-type': 'text/plain' }).end('injected');
      return;
    }
    const tag = findTag(req.url);
    if (!tag) {
      res.writeHead(404).end();
      return;
    }
    ok.count(tag);
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(articlePage(tag));
  });
  return faultyServer(server, faults, ok);
}

function articlePage(tag: string): string {
  return `<!doctype html><html><head><title>Harbor report ${tag}</title></head><body>
<nav><a href="/">Home</a></nav>
<article><h1>Harbor report ${tag}</h1>
<p>The harbor (${tag}) reopened on Tuesday after a two-year restoration that rebuilt the sea wall and
replaced the old wooden piers with concrete ones, so larger ferries can dock again.</p>
<p>Officials (${tag}) said the project finished under budget, and ferry service to the islands will
resume next week with four crossings a day during the summer season.</p>
</article></body></html>`;
}

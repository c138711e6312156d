import type { ServerResponse } from 'node:http';
import { type FakeServer, startHttpServer } from '@podfleet/test-kit';

/** A bill as the fake Congress.gov API serves it (shapes from /work/shared/PROVIDERS.md). */
export interface FakeBill {
  congress: number;
  type: string; // upper-case, as the API writes it: HR, S, HJRES…
  number: string;
  title: string;
  updateDate: string;
  introducedDate?: string;
  originChamber?: string;
  sponsors?: Array<{ bioguideId: string; fullName: string; party: string; state: string; district?: number }>;
  latestAction?: { actionDate: string; text: string };
  policyArea?: { name: string };
  laws?: Array<{ type: string; number: string }>;
  summaries?: Array<{
    versionCode: string;
    actionDate: string;
    actionDesc: string;
    updateDate: string;
    text: string;
  }>;
}

export interface InjectedResponse {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export interface FakeCongress extends FakeServer {
  /** What to configure as CONGRESS_BASE_URL: `${url}/v3`. */
  baseUrl: string;
  /** The next `count` requests get this response instead (e.g. a 429). */
  failNext(count: number, response: InjectedResponse): void;
  /** Forgets recorded requests and pending injected responses. */
  reset(): void;
}

/**
 * Fake Congress.gov API v3: api_key checked like the api.data.gov gateway (403 API_KEY_MISSING /
 * API_KEY_INVALID), `/bill` sorted by updateDate desc with offset/limit and a `pagination.next`
 * that omits api_key, bill detail and `/summaries`. `pageSize` caps a page below `limit` so tests
 * can force pagination.
 */
export async function startFakeCongress(opts: {
  apiKey: string;
  bills: FakeBill[];
  pageSize?: number;
}): Promise<FakeCongress> {
  const injected: InjectedResponse[] = [];
  let origin = '';
  const server = await startHttpServer((req, res) => {
    const url = new URL(req.url, origin);
    const next = injected.shift();
    if (next) return send(res, next.status, next.body, next.headers);

    const key = url.searchParams.get('api_key');
    if (!key)
      return send(res, 403, {
        error: {
          code: 'API_KEY_MISSING',
          message: 'No api_key was supplied. Get one at https://api.congress.gov/sign-up/',
        },
      });
    if (key !== opts.apiKey)
      return send(res, 403, {
        error: {
          code: 'API_KEY_INVALID',
          message: 'An invalid api_key was supplied. Get one at https://api.congress.gov/sign-up/',
        },
      });

    const path = url.pathname.replace(/^\/v3/, '');
    if (path === '/bill') return list(res, url);
    const match = /^\/bill\/(\d+)\/([a-z]+)\/(\d+)(\/summaries)?$/.exec(path);
    const bill =
      match &&
      opts.bills.find(
        (b) => b.congress === Number(match[1]) && b.type.toLowerCase() === match[2] && b.number === match[3],
      );
    if (!match || !bill) return send(res, 404, { error: `Unknown resource: ${path}` });
    const self = `${origin}/v3/bill/${bill.congress}/${bill.type.toLowerCase()}/${bill.number}`;
    if (match[4]) return send(res, 200, { summaries: bill.summaries ?? [], request: { format: 'json' } });
    const { summaries, ...detail } = bill;
    return send(res, 200, {
      bill: { ...detail, summaries: { count: summaries?.length ?? 0, url: `${self}/summaries?format=json` } },
      request: { format: 'json' },
    });
  });
  origin = server.url;

  function list(res: ServerResponse, url: URL): void {
    const limit = Math.min(Number(url.searchParams.get('limit') ?? 20), 250);
    const offset = Number(url.searchParams.get('offset') ?? 0);
    const size = Math.min(limit, opts.pageSize ?? limit);
    const sorted = [...opts.bills].sort((a, b) => b.updateDate.localeCompare(a.updateDate));
    const page = sorted.slice(offset, offset + size);
    const nextUrl =
      offset + size < sorted.length
        ? `${origin}/v3/bill?sort=updateDate+desc&offset=${offset + size}&limit=${limit}&format=json`
        : undefined;
    send(res, 200, {
      bills: page.map((b) => ({
        congress: b.congress,
        number: b.number,
        type: b.type,
        title: b.title,
        latestAction: b.latestAction,
        updateDate: b.updateDate,
        url: `${origin}/v3/bill/${b.congress}/${b.type.toLowerCase()}/${b.number}?format=json`,
      })),
      pagination: { count: sorted.length, ...(nextUrl ? { next: nextUrl } : {}) },
      request: { contentType: 'application/json', format: 'json' },
    });
  }

  return {
    ...server,
    baseUrl: `${server.url}/v3`,
    failNext(count, response) {
      for (let i = 0; i < count; i++) injected.push(response);
    },
    reset() {
      server.requests.length = 0;
      injected.length = 0;
    },
  };
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, {
    'content-type': 'application/json',
    'x-ratelimit-limit': '5000',
    'x-ratelimit-remaining': '4999',
    ...headers,
  });
  res.end(JSON.stringify(body));
}

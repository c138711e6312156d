import { ProviderError } from '../types';
import type { SourceContext } from './context';
import { resolveSource } from './index';
import { type FakeBill, type FakeCongress, startFakeCongress } from './testing/fake-congress';

const KEY = 'test-congress-key';

const postal: FakeBill = {
  congress: 117,
  type: 'HR',
  number: '3076',
  title: 'Postal Service Reform Act of 2022',
  updateDate: '2022-09-29',
  introducedDate: '2021-05-11',
  originChamber: 'House',
  sponsors: [
    {
      bioguideId: 'M000087',
      fullName: 'Rep. Maloney, Carolyn B. [D-NY-12]',
      party: 'D',
      state: 'NY',
      district: 12,
    },
  ],
  latestAction: { actionDate: '2022-04-06', text: 'Became Public Law No: 117-108.' },
  policyArea: { name: 'Government Operations and Politics' },
  laws: [{ type: 'Public Law', number: '117-108' }],
  summaries: [
    {
      versionCode: '00',
      actionDate: '2021-05-11',
      actionDesc: 'Introduced in House',
      updateDate: '2021-06-01T00:00:00Z',
      text: '<p>Old introduced summary.</p>',
    },
    {
      versionCode: '49',
      actionDate: '2022-04-06',
      actionDesc: 'Public Law',
      updateDate: '2022-05-01T00:00:00Z',
      text: '<p><strong>Postal Service Reform Act of 2022</strong></p><p>This act addresses the finances &amp; operations of the U.S. Postal Service.</p>',
    },
  ],
};

const recent: FakeBill[] = [1, 2, 3].map((i) => ({
  congress: 118,
  type: i === 2 ? 'S' : 'HR',
  number: String(100 + i),
  title: `Recent Bill ${i}`,
  updateDate: `2024-01-0${i}`,
  latestAction: { actionDate: `2024-01-0${i}`, text: 'Referred to committee.' },
  summaries: [],
}));

let fake: FakeCongress;
beforeAll(async () => {
  fake = await startFakeCongress({ apiKey: KEY, bills: [postal, ...recent], pageSize: 2 });
});
afterAll(() => fake.close());
beforeEach(() => fake.reset());

const ctx = (apiKey: string | null = KEY): SourceContext => ({
  congress: { baseUrl: fake.baseUrl, ...(apiKey ? { apiKey } : {}), timeoutMs: 5_000 },
});
const query = (url: string) => new URL(url, 'http://x').searchParams;

describe('congress source', () => {
  it('turns a bill and its latest summary into one document', async () => {
    const docs = await resolveSource(
      { kind: 'congress', congress: 117, billType: 'hr', billNumber: 3076 },
      ctx(),
    );
    expect(docs).toHaveLength(1);
    expect(docs[0]).toMatchObject({
      kind: 'congress',
      title: 'H.R. 3076 (117th Congress): Postal Service Reform Act of 2022',
      url: 'https://www.congress.gov/bill/117th-congress/house-bill/3076',
      publishedAt: '2022-04-06T00:00:00.000Z',
    });
    const text = docs[0]?.text ?? '';
    expect(text).toContain(
      'H.R. 3076 is a bill of the 117th Congress, introduced in the House on 2021-05-11.',
    );
    expect(text).toContain('Sponsor: Rep. Maloney, Carolyn B. [D-NY-12].');
    expect(text).toContain('Policy area: Government Operations and Politics.');
    expect(text).toContain('Latest action (2022-04-06): Became Public Law No: 117-108.');
    expect(text).toContain(
      'Summary (Public Law, 2022-04-06):\nPostal Service Reform Act of 2022\n\nThis act addresses the finances & operations',
    );
    expect(text).not.toContain('Old introduced summary');
    expect(text).not.toMatch(/<\/?p>/);

    expect(fake.requests.map((r) => new URL(r.url, 'http://x').pathname).sort()).toEqual([
      '/v3/bill/117/hr/3076',
      '/v3/bill/117/hr/3076/summaries',
    ]);
    for (const r of fake.requests) expect(query(r.url).get('api_key')).toBe(KEY);
  });

  it('lists recent bills across pages, adding api_key to pagination.next', async () => {
    const docs = await resolveSource({ kind: 'congress', recent: 3 }, ctx());
    // Sorted by updateDate desc: the three 2024 bills, pulled from two pages of two.
    expect(docs.map((d) => d.title)).toEqual([
      'H.R. 103 (118th Congress): Recent Bill 3',
      'S. 102 (118th Congress): Recent Bill 2',
      'H.R. 101 (118th Congress): Recent Bill 1',
    ]);
    const lists = fake.requests.filter((r) => new URL(r.url, 'http://x').pathname === '/v3/bill');
    expect(lists).toHaveLength(2);
    expect(lists[0]?.url).toContain('sort=updateDate+desc');
    expect(query(lists[0]?.url ?? '').get('limit')).toBe('3');
    expect(query(lists[1]?.url ?? '').get('offset')).toBe('2');
    for (const r of lists) expect(query(r.url).get('api_key')).toBe(KEY);
    expect(fake.requests).toHaveLength(2 + 3 * 2);
  });

  it('throws a retryable RATE_LIMITED error on 429, and the next attempt succeeds', async () => {
    fake.failNext(2, {
      status: 429,
      body: { error: { code: 'OVER_RATE_LIMIT', message: 'You have exceeded your rate limit.' } },
      headers: { 'retry-after': '42' },
    });
    const spec = { kind: 'congress' as const, congress: 117, billType: 'hr' as const, billNumber: 3076 };
    const err = await resolveSource(spec, ctx()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err).toMatchObject({ code: 'RATE_LIMITED', retryable: true, retryAfterMs: 42_000 });
    expect((err as Error).message).not.toContain(KEY);
    // What the queue does after the backoff: try again.
    const docs = await resolveSource(spec, ctx());
    expect(docs[0]?.title).toContain('Postal Service Reform Act');
  });

  it('leaves retryAfterMs unset when a 429 has no Retry-After', async () => {
    fake.failNext(1, { status: 429, body: { error: { code: 'OVER_RATE_LIMIT', message: 'slow down' } } });
    await expect(resolveSource({ kind: 'congress', recent: 1 }, ctx())).rejects.toMatchObject({
      code: 'RATE_LIMITED',
      retryable: true,
      retryAfterMs: undefined,
    });
  });

  it('does not retry an invalid API key', async () => {
    const err = await resolveSource({ kind: 'congress', recent: 2 }, ctx('wrong-key')).catch(
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ code: 'SOURCE_UNREACHABLE', retryable: false });
    expect((err as Error).message).toContain('API_KEY_INVALID');
    expect((err as Error).message).not.toContain('wrong-key');
  });

  it('fails without calling the API when no key is configured', async () => {
    await expect(resolveSource({ kind: 'congress', recent: 2 }, ctx(null))).rejects.toMatchObject({
      retryable: false,
    });
    expect(fake.requests).toHaveLength(0);
  });

  it('calls an unknown bill not retryable and a 5xx retryable', async () => {
    await expect(
      resolveSource({ kind: 'congress', congress: 118, billType: 'hr', billNumber: 99999 }, ctx()),
    ).rejects.toMatchObject({
      code: 'SOURCE_UNREACHABLE',
      retryable: false,
    });
    fake.failNext(2, { status: 503, body: { error: 'upstream' } });
    await expect(
      resolveSource({ kind: 'congress', congress: 117, billType: 'hr', billNumber: 3076 }, ctx()),
    ).rejects.toMatchObject({
      code: 'SOURCE_UNREACHABLE',
      retryable: true,
    });
  });

  it('refuses to send the key to a pagination.next on another origin', async () => {
    fake.failNext(1, {
      status: 200,
      body: {
        bills: [{ congress: 118, type: 'HR', number: '101' }],
        pagination: { next: 'http://evil.test/v3/bill?offset=1' },
      },
    });
    await expect(resolveSource({ kind: 'congress', recent: 2 }, ctx())).rejects.toMatchObject({
      code: 'SOURCE_INVALID',
    });
    expect(fake.requests).toHaveLength(1);
  });
});

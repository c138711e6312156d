import { type FakeAnthropic, fakeReplies, startFakeAnthropic } from './fake-anthropic';

/** The fake must answer like the real API, or the writer tests prove nothing. */
describe('fake Anthropic server', () => {
  let fake: FakeAnthropic;
  beforeEach(async () => {
    fake = await startFakeAnthropic();
  });
  afterEach(() => fake.close());

  const post = (body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${fake.url}/v1/messages`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'anthropic-version': '2026-10-21',
        'x-api-key': fake.apiKey,
        ...headers,
      },
      body: JSON.stringify(body),
    });
  const minimal = { model: 'claude-haiku-4-5', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] };

  it('answers a message with content blocks, stop_reason, usage and rate-limit headers', async () => {
    const res = await post(minimal);
    expect(res.status).toBe(200);
    expect(res.headers.get('request-id')).toMatch(/^req_/);
    expect(res.headers.get('anthropic-ratelimit-requests-remaining')).toBe('49');
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      type: 'message',
      role: 'assistant',
      model: 'claude-haiku-4-5',
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage: {
        input_tokens: expect.any(Number),
        output_tokens: expect.any(Number),
        cache_read_input_tokens: 0,
      },
    });
    expect((body.content as Array<{ type: string }>).map((b) => b.type)).toEqual(['thinking', 'text']);
  });

  it('rejects what the real API rejects', async () => {
    expect((await post(minimal, { 'x-api-key': 'wrong' })).status).toBe(401);
    expect((await post(minimal, { 'anthropic-version': '2020-01-01' })).status).toBe(400);
    expect((await post({ ...minimal, temperature: 0.5 })).status).toBe(400);
    const forced = { ...minimal, model: 'claude-sonnet-5-5', tool_choice: { type: 'tool', name: 'x' } };
    expect((await post(forced)).status).toBe(400);
    const notFound = await fetch(`${fake.url}/v1/complete`, { method: 'POST' });
    expect(notFound.status).toBe(404);
    expect(await notFound.json()).toMatchObject({ type: 'error', error: { type: 'not_found_error' } });
  });

  it('returns the error shape with retry-after and error details', async () => {
    fake.enqueue(fakeReplies.rateLimited(3), fakeReplies.spendLimitReached());
    const limited = await post(minimal);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('3');
    expect(await limited.json()).toMatchObject({
      type: 'error',
      error: { type: 'rate_limit_error' },
      request_id: expect.stringMatching(/^req_/),
    });
    const spend = await post(minimal);
    expect(await spend.json()).toMatchObject({
      error: { details: { error_code: 'enforced_spend_limit_reached' } },
    });
  });
});

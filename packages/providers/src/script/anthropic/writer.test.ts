import { metricsRegistry } from '@podfleet/telemetry';
import { ProviderError, type Style, scriptDocumentSchema } from '../../types';
import { type FakeAnthropic, fakeReplies, startFakeAnthropic } from '../testing/fake-anthropic';
import { apollo11, erieCanal, lineOfWords, makeDocument } from '../testing/fixtures';
import { AnthropicScriptWriter } from './writer';

const style: Style = {
  hosts: [{ name: 'Maya' }, { name: 'Theo' }],
  targetMinutes: 3,
  tone: 'curious and warm',
  language: 'en',
};
const documents = [erieCanal, apollo11];

/** A valid answer for `documents` and `style`. */
const validScript = {
  title: 'Canals and Moonshots',
  description: 'Maya and Theo look at the Erie Canal and Apollo 11.',
  chapters: [{ title: 'Intro' }, { title: 'The Erie Canal' }, { title: 'Apollo 11' }, { title: 'Outro' }],
  lines: [
    { speaker: 'Maya', text: 'Welcome in. Today: a canal and a Moon landing.', chapter: 0 },
    { speaker: 'Theo', text: 'The Erie Canal opened in 1825 and ran about 363 miles.', chapter: 1 },
    // Brings the script to its 450-word target, so the length check asks nothing more.
    { speaker: 'Maya', text: lineOfWords(erieCanal, 418), chapter: 1 },
    { speaker: 'Maya', text: 'Apollo 11 landed on the Moon in July 1969.', chapter: 2 },
    { speaker: 'Theo', text: 'Thanks for listening!', chapter: 3 },
  ],
};

let fake: FakeAnthropic;
let writer: AnthropicScriptWriter;

/** One metric's series as `[labels, value]`, in the order they were made. */
async function series(name: string): Promise<Array<[Record<string, string | number>, number]>> {
  const metric = await metricsRegistry.getSingleMetric(name)?.get();
  return (
    (metric?.values ?? [])
      // A histogram's series: only its _count (a counter's values have no metricName).
      .filter((v) => (v as { metricName?: string }).metricName?.endsWith('_count') ?? true)
      .map((v) => [v.labels as Record<string, string | number>, v.value])
  );
}

beforeEach(async () => {
  metricsRegistry.resetMetrics();
  fake = await startFakeAnthropic();
  writer = new AnthropicScriptWriter({ apiKey: fake.apiKey, baseURL: fake.url, model: 'claude-sonnet-5-5' });
});
afterEach(() => fake.close());

describe('AnthropicScriptWriter', () => {
  it('sends one structured-output request and returns the validated script with its cost', async () => {
    fake.enqueue(fakeReplies.script(validScript, { input_tokens: 12_000, output_tokens: 3_000 }));
    const script = await writer.write({ documents, style });

    expect(scriptDocumentSchema.parse(script)).toEqual(script);
    expect(script).toMatchObject({
      title: 'Canals and Moonshots',
      hosts: style.hosts,
      chapters: validScript.chapters,
      lines: validScript.lines,
      wordCount: 9 + 11 + 418 + 9 + 3,
    });
    // claude-sonnet-5-5: $2 / MTok in, $10 / MTok out.
    expect(script.usage).toEqual({
      provider: 'anthropic',
      model: 'claude-sonnet-5-5',
      inputTokens: 12_000,
      outputTokens: 3_000,
      costUsd: 0.054,
    });
    expect(await series('podfleet_llm_tokens_total')).toEqual([
      [{ provider: 'anthropic', model: 'claude-sonnet-5-5', type: 'input' }, 12_000],
      [{ provider: 'anthropic', model: 'claude-sonnet-5-5', type: 'output' }, 3_000],
    ]);
    expect(await series('podfleet_provider_cost_usd_total')).toEqual([
      [{ kind: 'llm', provider: 'anthropic' }, 0.054],
    ]);
    expect(await series('podfleet_provider_request_duration_seconds')).toEqual([
      [{ kind: 'llm', provider: 'anthropic', operation: 'messages.create', outcome: 'ok' }, 1],
    ]);

    expect(fake.requests).toHaveLength(1);
    const [http] = fake.requests;
    expect(http?.url).toBe('/v1/messages');
    // SDK 1.x speaks API version 2026-10-21 and sends the key as a Bearer token.
    expect(http?.headers.authorization).toBe(`Bearer ${fake.apiKey}`);
    expect(http?.headers['anthropic-version']).toBe('2026-10-21');
    const [body] = fake.messageRequests();
    expect(body?.model).toBe('claude-sonnet-5-5');
    expect(body?.temperature).toBeUndefined();
    expect(body?.tool_choice).toBeUndefined();
    expect(body?.output_config?.format?.type).toBe('json_schema');
    expect(body?.output_config?.format?.schema).toMatchObject({
      properties: { lines: { items: { properties: { speaker: { enum: ['Maya', 'Theo'] } } } } },
    });
    expect(body?.system).toContain('about 450 spoken words');
    expect(body?.system).toContain('curious and warm');
    expect(body?.system).toContain('exactly 4');
    const user = String(body?.messages[0]?.content);
    expect(user).toContain('<source index="1" kind="text" title="The Erie Canal">');
    expect(user).toContain('Apollo 11 was the first crewed mission to land on the Moon.');
  });

  it('repairs an invalid-JSON answer with a second request that quotes the problem', async () => {
    fake.enqueue(
      fakeReplies.invalidJson(),
      fakeReplies.script(validScript, { input_tokens: 1_000, output_tokens: 500 }),
    );
    const script = await writer.write({ documents, style });

    expect(script.lines).toEqual(validScript.lines);
    expect(fake.requests).toHaveLength(2);
    const repair = fake.messageRequests()[1];
    expect(repair?.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
    expect(repair?.messages[1]?.content).toContain('Here is your script');
    expect(repair?.messages[2]?.content).toContain('not valid JSON');
    // Usage adds up both requests; the first one's size comes from the fake's own count.
    expect(script.usage?.outputTokens).toBeGreaterThan(500);
    expect(script.usage?.inputTokens).toBeGreaterThan(1_000);
  });

  it('repairs an answer that breaks the episode rules (unknown speaker, wrong chapter count)', async () => {
    const wrong = { ...validScript, chapters: validScript.chapters.slice(0, 3) };
    wrong.lines = [...validScript.lines.slice(0, 3), { speaker: 'Narrator', text: 'Bye.', chapter: 2 }];
    fake.enqueue(fakeReplies.script(wrong), fakeReplies.script(validScript));
    await expect(writer.write({ documents, style })).resolves.toMatchObject({
      title: 'Canals and Moonshots',
    });
    const feedback = String(fake.messageRequests()[1]?.messages[2]?.content);
    expect(feedback).toContain('expected 4 chapters');
    expect(feedback).toContain('speaker "Narrator" is not one of "Maya", "Theo"');
  });

  it('gives up after one failed repair with SCRIPT_INVALID, not retryable', async () => {
    fake.enqueue(fakeReplies.invalidJson(), fakeReplies.invalidJson());
    const error = await writer.write({ documents, style }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ code: 'SCRIPT_INVALID', retryable: false });
    expect(fake.requests).toHaveLength(2);
  });

  it('treats a reply cut off at max_tokens as invalid and says why in the repair', async () => {
    fake.enqueue(
      { kind: 'script', script: validScript, stopReason: 'max_tokens' },
      fakeReplies.script(validScript),
    );
    await writer.write({ documents, style });
    expect(String(fake.messageRequests()[1]?.messages[2]?.content)).toContain(
      'cut off at the output token limit',
    );
  });

  it('maps 429 with retry-after to a retryable RATE_LIMITED with retryAfterMs, without retrying itself', async () => {
    fake.enqueue(fakeReplies.rateLimited(7));
    await expect(writer.write({ documents, style })).rejects.toMatchObject({
      code: 'RATE_LIMITED',
      retryable: true,
      retryAfterMs: 7_000,
    });
    expect(fake.requests).toHaveLength(1); // BullMQ owns retries, not the SDK
    expect(await series('podfleet_provider_rate_limited_total')).toEqual([
      [{ kind: 'llm', provider: 'anthropic' }, 1],
    ]);
    expect(await series('podfleet_provider_errors_total')).toEqual([
      [{ kind: 'llm', provider: 'anthropic', operation: 'messages.create', code: 'RATE_LIMITED' }, 1],
    ]);
  });

  it('maps a 429 spend-limit error to not retryable', async () => {
    fake.enqueue(fakeReplies.spendLimitReached());
    await expect(writer.write({ documents, style })).rejects.toMatchObject({ retryable: false });
    expect(fake.requests).toHaveLength(1);
  });

  it.each([
    ['529 overloaded', fakeReplies.overloaded()],
    ['500 server error', fakeReplies.serverError()],
  ])('maps %s to a retryable SCRIPT_FAILED', async (_name, reply) => {
    fake.enqueue(reply);
    await expect(writer.write({ documents, style })).rejects.toMatchObject({
      code: 'SCRIPT_FAILED',
      retryable: true,
    });
  });

  it('maps a wrong API key (401) to not retryable', async () => {
    const wrongKey = new AnthropicScriptWriter({ apiKey: 'sk-ant-wrong', baseURL: fake.url });
    await expect(wrongKey.write({ documents, style })).rejects.toMatchObject({
      code: 'SCRIPT_FAILED',
      retryable: false,
      message: expect.stringContaining('401 authentication_error'),
    });
  });

  it('maps a refusal to a non-retryable SCRIPT_FAILED', async () => {
    fake.enqueue(fakeReplies.refusal());
    await expect(writer.write({ documents, style })).rejects.toMatchObject({
      code: 'SCRIPT_FAILED',
      retryable: false,
    });
  });

  it('truncates long sources to the configured size at a sentence end', async () => {
    const long = makeDocument(
      'Long report',
      'The committee met again and reviewed the figures. '.repeat(2_000),
    );
    const small = new AnthropicScriptWriter({
      apiKey: fake.apiKey,
      baseURL: fake.url,
      maxSourceChars: 5_000,
    });
    await small.write({ documents: [long], style: { ...style, hosts: [{ name: 'Maya' }] } });
    const user = String(fake.messageRequests()[0]?.messages[0]?.content);
    expect(user.length).toBeLessThan(5_300);
    expect(user).toContain('figures. [truncated]');
  });

  it('works end to end with the fake’s generated dialogue for 1–4 hosts', async () => {
    for (const count of [1, 2, 3, 4]) {
      const hosts = ['Maya', 'Theo', 'Ava', 'Sam'].slice(0, count).map((name) => ({ name }));
      const script = await writer.write({ documents, style: { ...style, hosts } });
      expect(new Set(script.lines.map((l) => l.speaker))).toEqual(new Set(hosts.map((h) => h.name)));
      expect(script.chapters).toHaveLength(4);
      expect(script.length).toMatchObject({ within: true, followUps: 0 });
    }
    expect(fake.requests).toHaveLength(4);
  });

  describe('length check (3 minutes ±15 %: about 450 words)', () => {
    const lastUser = (i: number) => {
      const messages = fake.messageRequests()[i]!.messages;
      return String(messages[messages.length - 1]!.content);
    };

    it('a script of the right length takes one call', async () => {
      const script = await writer.write({ documents, style });
      expect(fake.requests).toHaveLength(1);
      expect(script.length).toMatchObject({ unit: 'words', target: 450, within: true, followUps: 0 });
      expect(script.length!.warning).toBeUndefined();
    });

    it('extends a too-short script in one follow-up: within ±15 %, exactly 2 calls, both paid for', async () => {
      fake.enqueue(
        fakeReplies.scaledScript(0.5, { input_tokens: 10_000, output_tokens: 400 }),
        fakeReplies.scaledScript(1, { input_tokens: 10_500, output_tokens: 800 }),
      );
      const script = await writer.write({ documents, style });

      expect(fake.requests).toHaveLength(2);
      expect(script.wordCount).toBeGreaterThanOrEqual(383);
      expect(script.wordCount).toBeLessThanOrEqual(518);
      expect(script.length).toMatchObject({
        target: 450,
        spoken: script.wordCount,
        within: true,
        followUps: 1,
      });
      expect(script.usage).toMatchObject({ inputTokens: 20_500, outputTokens: 1_200 });
      // The follow-up quotes the short script and asks for the difference.
      const [first, second] = fake.messageRequests();
      expect(second!.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
      expect(second!.system).toBe(first!.system);
      const asked =
        /That script has (\d+) spoken words, which take about (\d+) seconds to say, but the episode must last 3 minutes: it needs about (\d+) words \(at least (\d+), at most (\d+)\)/.exec(
          lastUser(1),
        );
      const [shortWords, shortSeconds, wanted, low, high] = asked!.slice(1).map(Number) as number[];
      expect(shortWords).toBeLessThan(383);
      // The words wanted scale the short script's own by how far its estimated duration is off.
      expect(Math.abs(wanted! - (shortWords! * 180) / shortSeconds!)).toBeLessThan(wanted! * 0.01);
      expect([low, high]).toEqual([Math.round(wanted! * 0.85), Math.round(wanted! * 1.15)]);
      expect(lastUser(1)).toContain(`Extend it: add about ${wanted! - shortWords!} words`);
      const tokens = await series('podfleet_llm_tokens_total');
      expect(tokens.map(([labels, value]) => [labels.type, value])).toEqual([
        ['input', 20_500],
        ['output', 1_200],
      ]);
    });

    it('trims a too-long script the same way', async () => {
      fake.enqueue(fakeReplies.scaledScript(2), fakeReplies.scaledScript(1));
      const script = await writer.write({ documents, style });
      expect(fake.requests).toHaveLength(2);
      expect(lastUser(1)).toMatch(/Trim it: remove about \d+ words/);
      expect(script.length).toMatchObject({ within: true, followUps: 1 });
      expect(script.wordCount).toBeLessThanOrEqual(518);
    });

    it('a script that stays too short: keeps the closer one, completes, and records a warning', async () => {
      fake.enqueue(fakeReplies.scaledScript(0.4), fakeReplies.scaledScript(0.6), fakeReplies.scaledScript(1));
      const script = await writer.write({ documents, style });

      expect(fake.requests).toHaveLength(2); // one follow-up, never more
      expect(script.wordCount).toBeLessThan(383);
      expect(script.wordCount).toBeGreaterThan(0.5 * 450); // the 0.6 answer, not the 0.4 one
      expect(script.length).toMatchObject({ within: false, followUps: 1, spoken: script.wordCount });
      expect(script.length!.warning).toMatch(
        new RegExp(
          `^the script would last about \\d+ s for a target of 180 s \\(±15 %; ${script.wordCount} words\\)$`,
        ),
      );
    });

    it('a follow-up that cannot be used keeps the first script', async () => {
      fake.enqueue(fakeReplies.scaledScript(0.5), fakeReplies.invalidJson());
      const script = await writer.write({ documents, style });
      expect(fake.requests).toHaveLength(2);
      expect(script.length).toMatchObject({ within: false, followUps: 1 });
      expect(script.length!.warning).toContain('the resized script could not be used');
    });
  });

  it('does not call the API when the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(writer.write({ documents, style, signal: controller.signal })).rejects.toThrow();
    expect(fake.requests).toHaveLength(0);
  });
});

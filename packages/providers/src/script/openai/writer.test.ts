import { metricsRegistry } from '@podfleet/telemetry';
import { type FakeOpenAI, fakeOpenAIReplies, startFakeOpenAI } from '../../openai/testing/fake-openai';
import { ProviderError, type Style, scriptDocumentSchema } from '../../types';
import { apollo11, erieCanal, lineOfWords } from '../testing/fixtures';
import { OpenAIScriptWriter, type OpenAIScriptWriterOptions } from './writer';

const style: Style = {
  hosts: [{ name: 'Maya' }, { name: 'Theo' }],
  targetMinutes: 2,
  tone: 'curious and warm',
  language: 'en',
};
const documents = [erieCanal, apollo11];

const validScript = {
  title: 'Canals and Moonshots',
  description: 'Maya and Theo look at the Erie Canal and Apollo 11.',
  chapters: [{ title: 'Intro' }, { title: 'The Erie Canal' }, { title: 'Apollo 11' }, { title: 'Outro' }],
  lines: [
    { speaker: 'Maya', text: 'Welcome in. Today: a canal and a Moon landing.', chapter: 0 },
    { speaker: 'Theo', text: 'The Erie Canal opened in 1825 and ran about 363 miles.', chapter: 1 },
    // Brings the script to its 300-word target, so the length check asks nothing more.
    { speaker: 'Maya', text: lineOfWords(erieCanal, 268), chapter: 1 },
    { speaker: 'Maya', text: 'Apollo 11 landed on the Moon in July 1969.', chapter: 2 },
    { speaker: 'Theo', text: 'Thanks for listening!', chapter: 3 },
  ],
};

const fakes: FakeOpenAI[] = [];
async function server(options: Parameters<typeof startFakeOpenAI>[0] = {}): Promise<FakeOpenAI> {
  const fake = await startFakeOpenAI(options);
  fakes.push(fake);
  return fake;
}
const writerFor = (fake: FakeOpenAI, extra: OpenAIScriptWriterOptions = {}) =>
  new OpenAIScriptWriter({ baseURL: fake.url, model: 'llama3.1:8b', maxAttempts: 1, ...extra });

beforeEach(() => metricsRegistry.resetMetrics());
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((f) => f.close()));
});

describe('OpenAIScriptWriter (local fakes of OpenAI-compatible servers)', () => {
  it('asks OpenAI for JSON by schema with the key and returns the script with tokens and list-price cost', async () => {
    const fake = await server({ apiKey: 'sk-test' });
    fake.enqueueChat({
      kind: 'script',
      script: validScript,
      usage: { prompt_tokens: 10_000, completion_tokens: 2_000 },
    });
    const script = await writerFor(fake, { apiKey: 'sk-test', model: 'gpt-4o-mini' }).write({
      documents,
      style,
    });

    expect(scriptDocumentSchema.parse(script)).toEqual(script);
    expect(script).toMatchObject({ title: validScript.title, lines: validScript.lines, hosts: style.hosts });
    // gpt-4o-mini: $0.15 in, $0.60 out per million tokens.
    expect(script.usage).toEqual({
      provider: 'openai',
      model: 'gpt-4o-mini',
      inputTokens: 10_000,
      outputTokens: 2_000,
      costUsd: 0.0027,
    });
    const [request] = fake.requests;
    expect(request!.headers.authorization).toBe('Bearer sk-test');
    expect(request!.url).toBe('/v1/chat/completions');
    const [body] = fake.chatRequests();
    expect(body!.messages.map((m) => m.role)).toEqual(['system', 'user']);
    expect(body!.response_format).toMatchObject({
      type: 'json_schema',
      json_schema: { name: 'podcast_script', strict: true },
    });
    expect(body!.response_format!.json_schema!.schema).toMatchObject({
      properties: { lines: { items: { properties: { speaker: { enum: ['Maya', 'Theo'] } } } } },
    });
    const tokens = await metricsRegistry.getSingleMetric('podfleet_llm_tokens_total')?.get();
    expect(tokens?.values.map((v) => [v.labels.provider, v.labels.type, v.value])).toEqual([
      ['openai', 'input', 10_000],
      ['openai', 'output', 2_000],
    ]);
  });

  it('writes a whole episode for 1 to 4 hosts with no key and no cost on a local server', async () => {
    const fake = await server();
    for (const count of [1, 2, 3, 4]) {
      const hosts = ['Maya', 'Theo', 'Ana', 'Ravi'].slice(0, count).map((name) => ({ name }));
      const script = await writerFor(fake).write({ documents: [erieCanal], style: { ...style, hosts } });
      expect(new Set(script.lines.map((l) => l.speaker))).toEqual(new Set(hosts.map((h) => h.name)));
      expect(script.usage).toMatchObject({ provider: 'openai', model: 'llama3.1:8b', costUsd: 0 });
      expect(script.usage!.inputTokens).toBeGreaterThan(0);
      expect(script.length).toMatchObject({ within: true, followUps: 0 });
    }
    expect(fake.chatRequests()).toHaveLength(4);
    expect(fake.requests.every((r) => r.headers.authorization === undefined)).toBe(true);
  });

  it("writes in the style's language: the prompt names it, the script records it", async () => {
    const fake = await server();
    const script = await writerFor(fake).write({ documents, style: { ...style, language: 'pt-BR' } });
    const system = fake.chatRequests()[0]!.messages[0]!.content;
    expect(system).toContain(
      'in the language with BCP 47 code "pt-BR", whatever the language of the sources',
    );
    expect(script.language).toBe('pt-BR');
  });

  it('counts Chinese in characters: the prompt asks for 500 spoken characters for 2 minutes', async () => {
    const fake = await server();
    fake.enqueueChat({
      kind: 'script',
      script: { ...validScript, lines: validScript.lines.map((l) => ({ ...l, text: '大运河'.repeat(42) })) },
    });
    const script = await writerFor(fake).write({ documents, style: { ...style, language: 'zh-CN' } });
    const system = fake.chatRequests()[0]!.messages[0]!.content;
    expect(system).toContain('about 500 spoken characters in total (at least 425, at most 575)');
    // 5 lines of 126 characters: 630, over 575, so one follow-up was asked (the fake's default answer).
    expect(fake.chatRequests()).toHaveLength(2);
    expect(fake.chatRequests()[1]!.messages.at(-1)!.content).toContain(
      'That script has 630 spoken characters',
    );
    expect(script.length).toMatchObject({ unit: 'characters', target: 500, followUps: 1 });
  });

  describe('length check (2 minutes ±15 %: about 300 words)', () => {
    it('one call when the first script is the right length', async () => {
      const fake = await server();
      fake.enqueueChat({ kind: 'script', lengthFactor: 1 });
      const script = await writerFor(fake).write({ documents, style });
      expect(fake.chatRequests()).toHaveLength(1);
      expect(script.length).toMatchObject({ target: 300, within: true, followUps: 0 });
    });

    it('too short, then right: exactly 2 calls, within ±15 %, tokens of both', async () => {
      const fake = await server();
      fake.enqueueChat(
        { kind: 'script', lengthFactor: 0.5, usage: { prompt_tokens: 3_000, completion_tokens: 300 } },
        { kind: 'script', lengthFactor: 1, usage: { prompt_tokens: 3_400, completion_tokens: 600 } },
      );
      const script = await writerFor(fake).write({ documents, style });
      expect(fake.chatRequests()).toHaveLength(2);
      expect(script.wordCount).toBeGreaterThanOrEqual(255);
      expect(script.wordCount).toBeLessThanOrEqual(345);
      expect(script.length).toMatchObject({ within: true, followUps: 1 });
      expect(script.usage).toMatchObject({ inputTokens: 6_400, outputTokens: 900 });
      const follow = fake.chatRequests()[1]!.messages;
      expect(follow.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user']);
      expect(follow[3]!.content).toMatch(/Extend it: add about \d+ words/);
    });

    it('stays too short: keeps the closer script, completes, records a warning', async () => {
      const fake = await server();
      fake.enqueueChat({ kind: 'script', lengthFactor: 0.6 }, { kind: 'script', lengthFactor: 0.3 });
      const script = await writerFor(fake).write({ documents, style });
      expect(fake.chatRequests()).toHaveLength(2);
      expect(script.wordCount).toBeGreaterThan(0.45 * 300); // the 0.6 answer, not the 0.3 one
      expect(script.length).toMatchObject({ within: false, followUps: 1 });
      expect(script.length!.warning).toMatch(
        /^the script would last about \d+ s for a target of 120 s \(±15 %; \d+ words\)$/,
      );
    });

    it('a follow-up that hits a rate limit keeps the first script', async () => {
      const fake = await server();
      fake.enqueueChat({ kind: 'script', lengthFactor: 0.5 }, fakeOpenAIReplies.quotaExceeded());
      const script = await writerFor(fake).write({ documents, style });
      expect(script.length).toMatchObject({ within: false, followUps: 1 });
      expect(script.length!.warning).toContain('quota');
    });
  });

  it('prices a model by the configured price over the table', async () => {
    const fake = await server();
    fake.enqueueChat({
      kind: 'script',
      script: validScript,
      usage: { prompt_tokens: 1_000_000, completion_tokens: 0 },
    });
    const script = await writerFor(fake, { price: { inputPerMTok: 0.2, outputPerMTok: 0.8 } }).write({
      documents,
      style,
    });
    expect(script.usage!.costUsd).toBe(0.2);
  });

  it('steps down to json_object on a server that rejects json_schema, and remembers it', async () => {
    const fake = await server({ responseFormat: 'json_object_only' });
    const writer = writerFor(fake);
    await writer.write({ documents, style });
    await writer.write({ documents, style });
    expect(fake.chatRequests().map((b) => b.response_format?.type)).toEqual([
      'json_schema',
      'json_object',
      'json_object',
    ]);
    expect(writer.structuredOutput).toBe('json_object');
  });

  it('falls back to JSON in the text (prose and a code fence around it) on a server that takes no response_format', async () => {
    const fake = await server({ responseFormat: 'rejected' });
    const writer = writerFor(fake);
    const script = await writer.write({ documents, style });
    expect(script.lines.length).toBeGreaterThan(3);
    expect(fake.chatRequests().map((b) => b.response_format?.type ?? 'none')).toEqual([
      'json_schema',
      'json_object',
      'none',
    ]);
  });

  it('validates what a server that ignores response_format sends, and reads past a <think> block', async () => {
    const fake = await server({ responseFormat: 'ignored', thinks: true });
    const script = await writerFor(fake).write({ documents, style });
    expect(script.chapters).toHaveLength(documents.length + 2);
    expect(fake.chatRequests()).toHaveLength(1);
  });

  it('switches to max_completion_tokens when the model refuses max_tokens', async () => {
    const fake = await server({ rejectsMaxTokens: true });
    await writerFor(fake, { model: 'gpt-5-mini' }).write({ documents, style });
    const bodies = fake.chatRequests();
    expect(bodies.map((b) => [b.max_tokens !== undefined, b.max_completion_tokens !== undefined])).toEqual([
      [true, false],
      [false, true],
    ]);
  });

  it('a refusal (content null, refusal set) is SCRIPT_FAILED, not retried', async () => {
    const fake = await server();
    fake.enqueueChat({ kind: 'refusal', refusal: "I'm sorry, I can't help with that." });
    const err = await writerFor(fake, { maxAttempts: 3 })
      .write({ documents, style })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err).toMatchObject({ code: 'SCRIPT_FAILED', retryable: false });
    expect((err as Error).message).toContain("can't help");
    expect(fake.chatRequests()).toHaveLength(1);
  });

  it('repairs JSON cut off at finish_reason "length" in a second turn that says so', async () => {
    const fake = await server();
    fake.enqueueChat({ kind: 'truncated' }, { kind: 'script', script: validScript });
    const script = await writerFor(fake).write({ documents, style });
    expect(script.title).toBe(validScript.title);
    const repair = fake.chatRequests()[1]!;
    expect(repair.messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user']);
    expect(repair.messages[3]!.content).toContain('cut off at the output token limit');
  });

  it('an answer still invalid after the repair is SCRIPT_INVALID naming the problem', async () => {
    const fake = await server();
    const wrongSpeaker = { ...validScript, lines: validScript.lines.map((l) => ({ ...l, speaker: 'Zed' })) };
    fake.enqueueChat({ kind: 'text', text: 'no JSON here' }, { kind: 'script', script: wrongSpeaker });
    await expect(writerFor(fake).write({ documents, style })).rejects.toMatchObject({
      code: 'SCRIPT_INVALID',
      retryable: false,
      message: expect.stringContaining('speaker "Zed" is not one of "Maya", "Theo"'),
    });
    expect(fake.chatRequests()[1]!.messages[3]!.content).toContain('not valid JSON');
  });

  it('429 with Retry-After is retried in place after that wait', async () => {
    const fake = await server();
    fake.enqueueChat(fakeOpenAIReplies.rateLimited(0));
    const script = await writerFor(fake, { maxAttempts: 2 }).write({ documents, style });
    expect(script.lines.length).toBeGreaterThan(0);
    expect(fake.chatRequests()).toHaveLength(2);
    const limited = await metricsRegistry.getSingleMetric('podfleet_provider_rate_limited_total')?.get();
    expect(limited?.values).toEqual([{ labels: { kind: 'llm', provider: 'openai' }, value: 1 }]);
  });

  it('429 with a long Retry-After is handed to the queue as RATE_LIMITED carrying the wait', async () => {
    const fake = await server();
    fake.enqueueChat(fakeOpenAIReplies.rateLimited(30));
    await expect(writerFor(fake, { maxAttempts: 3 }).write({ documents, style })).rejects.toMatchObject({
      code: 'RATE_LIMITED',
      retryable: true,
      retryAfterMs: 30_000,
    });
    expect(fake.chatRequests()).toHaveLength(1);
  });

  it('429 without Retry-After backs off in place, and is retryable with no wait of its own once attempts run out', async () => {
    const fake = await server();
    fake.enqueueChat(fakeOpenAIReplies.rateLimited(), fakeOpenAIReplies.rateLimited());
    const script = await writerFor(fake, { maxAttempts: 3 }).write({ documents, style });
    expect(script.lines.length).toBeGreaterThan(0);
    expect(fake.chatRequests()).toHaveLength(3);

    fake.enqueueChat(fakeOpenAIReplies.rateLimited());
    const err = await writerFor(fake)
      .write({ documents, style })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'RATE_LIMITED', retryable: true, retryAfterMs: undefined });
  });

  it('a spent quota (429 insufficient_quota) and a wrong key (401) are not retried', async () => {
    const fake = await server({ apiKey: 'sk-right' });
    fake.enqueueChat(fakeOpenAIReplies.quotaExceeded());
    await expect(
      writerFor(fake, { apiKey: 'sk-right', maxAttempts: 3 }).write({ documents, style }),
    ).rejects.toMatchObject({
      code: 'SCRIPT_FAILED',
      retryable: false,
      message: expect.stringContaining('insufficient_quota'),
    });
    await expect(
      writerFor(fake, { apiKey: 'sk-wrong', maxAttempts: 3 }).write({ documents, style }),
    ).rejects.toMatchObject({
      code: 'SCRIPT_FAILED',
      retryable: false,
      message: expect.stringContaining('401'),
    });
    expect(fake.chatRequests()).toHaveLength(1); // the 401 was refused before the body was read
  });

  it('a 500 and an unreachable server are retryable SCRIPT_FAILED', async () => {
    const fake = await server();
    fake.enqueueChat(fakeOpenAIReplies.serverError());
    await expect(writerFor(fake).write({ documents, style })).rejects.toMatchObject({
      code: 'SCRIPT_FAILED',
      retryable: true,
    });
    const closed = await server();
    const url = closed.url;
    await closed.close();
    await expect(
      new OpenAIScriptWriter({ baseURL: url, maxAttempts: 1 }).write({ documents, style }),
    ).rejects.toMatchObject({
      code: 'SCRIPT_FAILED',
      retryable: true,
      message: expect.stringContaining('unreachable'),
    });
  });
});

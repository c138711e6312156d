import type { ServerResponse } from 'node:http';
import { type RecordedRequest, startHttpServer } from '@podfleet/test-kit';
import { countWords } from '../speech-rate';

/**
 * A local stand-in for the Anthropic Messages API (`POST /v1/messages`), answering with the real
 * response shapes, status codes and headers (see /work/shared/PROVIDERS.md). Each request consumes the
 * next queued reply; with none queued it writes a valid dialogue from the request itself.
 */

export type FakeReply =
  | {
      kind: 'script';
      /** The JSON object to return; default: generated from the request (hosts, sources, word target). */
      script?: unknown;
      /** Scales the generated dialogue's length (0.5: half the word target), for length checks. */
      lengthFactor?: number;
      usage?: { input_tokens: number; output_tokens: number };
      stopReason?: 'end_turn' | 'max_tokens' | 'refusal';
    }
  | { kind: 'text'; text: string }
  | {
      kind: 'error';
      status: number;
      type: string;
      message: string;
      headers?: Record<string, string>;
      errorCode?: string;
    };

export const fakeReplies = {
  script: (script?: unknown, usage?: { input_tokens: number; output_tokens: number }): FakeReply => ({
    kind: 'script',
    script,
    usage,
  }),
  /** Prose around a broken object, as a model sometimes answers. */
  invalidJson: (): FakeReply => ({
    kind: 'text',
    text: 'Here is your script: {"title": "Episode", "lines": [',
  }),
  rateLimited: (retryAfterSeconds: number): FakeReply => ({
    kind: 'error',
    status: 429,
    type: 'rate_limit_error',
    message: 'This request would exceed your organization’s rate limit. Please try again later.',
    headers: { 'retry-after': String(retryAfterSeconds) },
  }),
  spendLimitReached: (): FakeReply => ({
    kind: 'error',
    status: 429,
    type: 'rate_limit_error',
    message: 'Your workspace has reached its spend limit.',
    errorCode: 'enforced_spend_limit_reached',
  }),
  overloaded: (): FakeReply => ({
    kind: 'error',
    status: 529,
    type: 'overloaded_error',
    message: 'Overloaded',
  }),
  serverError: (): FakeReply => ({
    kind: 'error',
    status: 500,
    type: 'api_error',
    message: 'Internal server error',
  }),
  refusal: (): FakeReply => ({ kind: 'script', script: {}, stopReason: 'refusal' }),
  /** A valid dialogue `factor` times as long as the prompt's word target asks. */
  scaledScript: (factor: number, usage?: { input_tokens: number; output_tokens: number }): FakeReply => ({
    kind: 'script',
    lengthFactor: factor,
    usage,
  }),
};

/** The parts of a request body the fake reads. */
export interface FakeMessageRequest {
  model: string;
  max_tokens: number;
  system?: string;
  messages: Array<{ role: 'user' | 'assistant'; content: string | Array<{ type: string; text?: string }> }>;
  output_config?: { format?: { type: string; schema?: Record<string, unknown> } };
  tool_choice?: { type: string };
  temperature?: number;
  top_p?: number;
  top_k?: number;
}

export interface FakeAnthropic {
  /** Base URL without `/v1`, as the SDK's `baseURL` expects. */
  url: string;
  apiKey: string;
  requests: RecordedRequest[];
  /** Bodies of the `POST /v1/messages` requests, in order. */
  messageRequests(): FakeMessageRequest[];
  enqueue(...replies: FakeReply[]): void;
  close(): Promise<void>;
}

// Models that reject forced tool choice and assistant prefill with a 400 (Sonnet 5.5 migration guide).
const STRICT_MODELS = /^claude-sonnet-5-5/;
// API versions the fake knows. 2026-10-21 (sent by @anthropic-ai/sdk 1.x) removed temperature, top_p and
// top_k: sending any of them is a 400.
const API_VERSIONS = new Set(['2023-06-01', '2026-10-21']);

let messageCounter = 0;

function textOf(content: FakeMessageRequest['messages'][number]['content']): string {
  return typeof content === 'string' ? content : content.map((b) => b.text ?? '').join('');
}

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const requestId = `req_fake${String(++messageCounter).padStart(6, '0')}`;
  res.writeHead(status, { 'content-type': 'application/json', 'request-id': requestId, ...headers });
  res.end(JSON.stringify(status >= 400 ? { ...(body as object), request_id: requestId } : body));
}

function sendError(
  res: ServerResponse,
  status: number,
  type: string,
  message: string,
  options: { headers?: Record<string, string>; errorCode?: string } = {},
): void {
  const error: Record<string, unknown> = { type, message };
  if (options.errorCode) error.details = { error_code: options.errorCode };
  sendJson(res, status, { type: 'error', error }, options.headers);
}

/** A plausible dialogue for the request: host names from the schema enum, sources and word target from the prompt. */
export function dialogueFor(request: FakeMessageRequest, lengthFactor = 1): unknown {
  const schema = request.output_config?.format?.schema as
    | { properties?: { lines?: { items?: { properties?: { speaker?: { enum?: string[] } } } } } }
    | undefined;
  const hosts = schema?.properties?.lines?.items?.properties?.speaker?.enum ?? ['Host'];
  const user = textOf(request.messages[0]?.content ?? '');
  const sources = [...user.matchAll(/<source [^>]*title="([^"]*)"[^>]*>\n([\s\S]*?)\n<\/source>/g)].map(
    (m) => ({
      title: m[1] ?? 'Source',
      words: (m[2] ?? '').split(/\s+/).filter(Boolean),
    }),
  );
  const target = lengthFactor * Number(/about (\d+) spoken words/.exec(request.system ?? '')?.[1] ?? 300);
  const lines: Array<{ speaker: string; text: string; chapter: number }> = [];
  let turn = 0;
  const say = (chapter: number, text: string) =>
    lines.push({ speaker: hosts[turn++ % hosts.length] as string, text, chapter });
  say(0, `Welcome to the show. Today we cover ${sources.map((s) => s.title).join(' and ')}.`);
  if (hosts.length > 1) for (let i = 1; i < hosts.length; i++) say(0, `Hi, I'm ${hosts[i]}.`);
  const perSource = Math.max(20, Math.floor((target - 40) / Math.max(1, sources.length)));
  sources.forEach((source, i) => {
    const words = source.words.length > 0 ? source.words : ['nothing'];
    for (let used = 0, line = 0; used < perSource; used += 40, line++) {
      const chunk = Array.from(
        { length: Math.min(40, perSource - used) },
        (_, k) => words[(used + k) % words.length],
      );
      say(i + 1, `${line === 0 ? `About ${source.title}: ` : ''}${chunk.join(' ')}`);
    }
  });
  say(sources.length + 1, 'That is all for today. Thanks for listening.');
  if (hosts.length > 1) say(sources.length + 1, 'See you next time.');
  // Land on the target, as a model that counts well would: the last source line takes the difference.
  const last = lines.findLast((l) => l.chapter >= 1 && l.chapter <= sources.length);
  if (last) {
    const diff = Math.round(target) - lines.reduce((sum, l) => sum + countWords(l.text), 0);
    const tokens = last.text.split(' ');
    const pool = sources[last.chapter - 1]?.words.filter((w) => countWords(w) === 1) ?? [];
    if (diff > 0 && pool.length > 0)
      last.text = [...tokens, ...Array.from({ length: diff }, (_, k) => pool[k % pool.length])].join(' ');
    else if (diff < 0) last.text = tokens.slice(0, Math.max(5, tokens.length + diff)).join(' ');
  }
  return {
    title: sources[0]?.title ?? 'Episode',
    description: `An episode about ${sources.map((s) => s.title).join(', ')}.`,
    chapters: [{ title: 'Intro' }, ...sources.map((s) => ({ title: s.title })), { title: 'Outro' }],
    lines,
  };
}

function rateLimitHeaders(): Record<string, string> {
  const reset = new Date(Date.now() + 60_000).toISOString();
  const headers: Record<string, string> = {};
  for (const [kind, limit] of [
    ['requests', '50'],
    ['tokens', '100000'],
    ['input-tokens', '80000'],
    ['output-tokens', '20000'],
  ] as const) {
    headers[`anthropic-ratelimit-${kind}-limit`] = limit;
    headers[`anthropic-ratelimit-${kind}-remaining`] = String(Number(limit) - 1);
    headers[`anthropic-ratelimit-${kind}-reset`] = reset;
  }
  return headers;
}

export async function startFakeAnthropic(options: { apiKey?: string } = {}): Promise<FakeAnthropic> {
  const apiKey = options.apiKey ?? 'sk-ant-fake-key';
  const queue: FakeReply[] = [];
  const bodies: FakeMessageRequest[] = [];

  const server = await startHttpServer((req, res) => {
    if (req.method !== 'POST' || req.url.split('?')[0] !== '/v1/messages') {
      return sendError(res, 404, 'not_found_error', `Not found: ${req.method} ${req.url}`);
    }
    // SDK 1.x sends the key as `Authorization: Bearer`; older clients as `x-api-key`. Both are accepted.
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if ((req.headers['x-api-key'] ?? bearer) !== apiKey) {
      return sendError(res, 401, 'authentication_error', 'invalid x-api-key');
    }
    const version = String(req.headers['anthropic-version'] ?? '');
    if (!API_VERSIONS.has(version)) {
      return sendError(
        res,
        400,
        'invalid_request_error',
        `anthropic-version: "${version}" is not a valid version`,
      );
    }
    let body: FakeMessageRequest;
    try {
      body = JSON.parse(req.body.toString('utf8')) as FakeMessageRequest;
    } catch {
      return sendError(res, 400, 'invalid_request_error', 'request body is not valid JSON');
    }
    if (
      typeof body.model !== 'string' ||
      typeof body.max_tokens !== 'number' ||
      !Array.isArray(body.messages)
    ) {
      return sendError(res, 400, 'invalid_request_error', 'model, max_tokens and messages are required');
    }
    if (body.messages.at(-1)?.role !== 'user' && STRICT_MODELS.test(body.model)) {
      return sendError(
        res,
        400,
        'invalid_request_error',
        'assistant message prefill is not supported for this model',
      );
    }
    if (
      STRICT_MODELS.test(body.model) &&
      (body.tool_choice?.type === 'tool' || body.tool_choice?.type === 'any')
    ) {
      return sendError(res, 400, 'invalid_request_error', 'forced tool use is not supported for this model');
    }
    if (version === '2026-10-21' && [body.temperature, body.top_p, body.top_k].some((v) => v !== undefined)) {
      return sendError(res, 400, 'invalid_request_error', 'temperature, top_p and top_k are not supported');
    }
    bodies.push(body);

    const reply = queue.shift() ?? fakeReplies.script();
    if (reply.kind === 'error') return sendError(res, reply.status, reply.type, reply.message, reply);

    const text =
      reply.kind === 'text'
        ? reply.text
        : JSON.stringify(reply.script ?? dialogueFor(body, reply.lengthFactor));
    const usage =
      reply.kind === 'script' && reply.usage
        ? reply.usage
        : { input_tokens: Math.ceil(req.body.length / 4), output_tokens: Math.ceil(text.length / 4) + 40 };
    const stopReason = reply.kind === 'script' ? (reply.stopReason ?? 'end_turn') : 'end_turn';
    sendJson(
      res,
      200,
      {
        id: `msg_fake${String(messageCounter + 1).padStart(6, '0')}`,
        type: 'message',
        role: 'assistant',
        model: body.model,
        // Adaptive thinking runs by default on current models; its text is omitted unless asked for.
        content: [
          { type: 'thinking', thinking: '', signature: 'fake-signature' },
          ...(stopReason === 'refusal' ? [] : [{ type: 'text', text, citations: null }]),
        ],
        stop_reason: stopReason,
        stop_sequence: null,
        usage: {
          input_tokens: usage.input_tokens,
          output_tokens: usage.output_tokens,
          cache_creation_input_tokens: 0,
          cache_read_input_tokens: 0,
          cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 0 },
          output_tokens_details: { thinking_tokens: 40 },
          server_tool_use: null,
          service_tier: 'standard',
          inference_geo: 'global',
        },
      },
      rateLimitHeaders(),
    );
  });

  return {
    url: server.url,
    apiKey,
    requests: server.requests,
    messageRequests: () => [...bodies],
    enqueue: (...replies) => queue.push(...replies),
    close: () => server.close(),
  };
}

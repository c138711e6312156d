import type { ServerResponse } from 'node:http';
import { type RecordedRequest, startHttpServer } from '@podfleet/test-kit';
import { dialogueFor } from '../../script/testing/fake-anthropic';
import { openAiErrorBody, openAiErrorType, sendOpenAiJson } from './replies';

/**
 * A local stand-in for an OpenAI-compatible server (OpenAI, Ollama, vLLM, llama.cpp server, LM
 * Studio for chat; OpenAI, Kokoro-FastAPI, Speaches for speech), base URL ending in `/v1`:
 * `POST /v1/chat/completions`, `POST /v1/audio/speech` and, like Kokoro-FastAPI,
 * `GET /v1/audio/voices`. Options reproduce the quirks these servers differ in; each request
 * consumes the next queued reply, and with none queued the fake writes a valid dialogue from the
 * request (chat) or a tone as long as the text (speech).
 */

export interface FakeOpenAIOptions {
  /** When set, requests without `Authorization: Bearer <apiKey>` get 401 (OpenAI); unset, none is needed (local servers). */
  apiKey?: string;
  /**
   * What the server does with `response_format`: honours both kinds (OpenAI, vLLM, Ollama ≥ 0.5),
   * takes only `json_object` and rejects `json_schema` with 400, rejects any with 400, or accepts
   * and ignores it (the model then answers JSON inside prose or a code fence).
   */
  responseFormat?: 'json_schema' | 'json_object_only' | 'rejected' | 'ignored';
  /** OpenAI's newer models reject `max_tokens` with a 400 naming `max_completion_tokens`. */
  rejectsMaxTokens?: boolean;
  /** A reasoning model whose `<think>` block the server leaves in `content` (Ollama, llama.cpp). */
  thinks?: boolean;
  /** Speech voices; default OpenAI's. */
  voices?: string[];
  /** Answers `GET /v1/audio/voices` with `{voices}` (Kokoro-FastAPI); otherwise 404 (OpenAI). */
  listsVoices?: boolean;
  /** Sample rate of `wav` and `pcm` speech; default 24 000 (OpenAI, Kokoro). */
  sampleRate?: number;
  /** Writes WAV sizes as a streaming server does (0xFFFFFFFF), not the real ones. */
  streamingWavHeader?: boolean;
  /** Error bodies as OpenAI writes them (`{error}`) or as FastAPI servers do (`{detail}`). */
  errorStyle?: 'openai' | 'fastapi';
}

export type FakeChatReply =
  | {
      kind: 'script';
      script?: unknown;
      /** Scales the generated dialogue's length (0.5: half the word target), for length checks. */
      lengthFactor?: number;
      usage?: { prompt_tokens: number; completion_tokens: number };
    }
  | { kind: 'text'; text: string }
  /** `content` null and `refusal` set, as OpenAI answers what it declines under structured outputs. */
  | { kind: 'refusal'; refusal: string }
  /** The JSON cut off half-way with `finish_reason: "length"`. */
  | { kind: 'truncated' }
  | { kind: 'error'; status: number; message: string; code?: string; headers?: Record<string, string> };

export type FakeSpeechReply = {
  kind: 'error';
  status: number;
  message: string;
  code?: string;
  headers?: Record<string, string>;
};

export const fakeOpenAIReplies = {
  /** 429 with `retry-after` (and `retry-after-ms`, as OpenAI sends) or, when no seconds are given, none. */
  rateLimited: (retryAfterSeconds?: number): FakeChatReply & FakeSpeechReply => ({
    kind: 'error',
    status: 429,
    message: 'Rate limit reached for requests. Please try again later.',
    code: 'rate_limit_exceeded',
    ...(retryAfterSeconds === undefined
      ? {}
      : {
          headers: {
            'retry-after': String(retryAfterSeconds),
            'retry-after-ms': String(retryAfterSeconds * 1000),
          },
        }),
  }),
  quotaExceeded: (): FakeChatReply => ({
    kind: 'error',
    status: 429,
    message: 'You exceeded your current quota, please check your plan and billing details.',
    code: 'insufficient_quota',
  }),
  serverError: (): FakeChatReply & FakeSpeechReply => ({
    kind: 'error',
    status: 500,
    message: 'The server had an error while processing your request.',
    code: 'server_error',
  }),
};

export interface ChatRequestBody {
  model: string;
  messages: Array<{ role: string; content: string }>;
  max_tokens?: number;
  max_completion_tokens?: number;
  response_format?: {
    type: string;
    json_schema?: { name: string; schema: Record<string, unknown>; strict?: boolean };
  };
}

export interface SpeechRequestBody {
  model: string;
  input: string;
  voice: string;
  response_format?: string;
  speed?: number;
}

export interface FakeOpenAI {
  /** Base URL ending in `/v1`, as OPENAI_BASE_URL is written. */
  url: string;
  requests: RecordedRequest[];
  /** Bodies of the chat requests the fake answered (a rejected one included), in order. */
  chatRequests(): ChatRequestBody[];
  speechRequests(): SpeechRequestBody[];
  enqueueChat(...replies: FakeChatReply[]): void;
  enqueueSpeech(...replies: FakeSpeechReply[]): void;
  voices: readonly string[];
  close(): Promise<void>;
}

export const OPENAI_VOICES = ['alloy', 'ash', 'coral', 'echo', 'fable', 'nova', 'onyx', 'sage', 'shimmer'];

let counter = 0;

/** Host names from the system prompt's host list (`- Maya (lead host: …)`), for answers without a schema. */
function hostsFromPrompt(system: string): string[] {
  return [...system.matchAll(/^- (.+?) \((?:lead host|co-host|analyst|skeptic)/gm)].map((m) => m[1]!);
}

function dialogue(body: ChatRequestBody, lengthFactor?: number): string {
  const system = body.messages.find((m) => m.role === 'system')?.content ?? '';
  const user = body.messages.find((m) => m.role === 'user')?.content ?? '';
  const schema = body.response_format?.json_schema?.schema ?? {
    properties: { lines: { items: { properties: { speaker: { enum: hostsFromPrompt(system) } } } } },
  };
  return JSON.stringify(
    dialogueFor(
      {
        model: body.model,
        max_tokens: 0,
        system,
        messages: [{ role: 'user', content: user }],
        output_config: { format: { type: 'json_schema', schema } },
      },
      lengthFactor,
    ),
  );
}

/** Mono 16-bit PCM: 0.15 s of silence, a tone (its pitch set by the voice) as long as the text, 0.15 s of silence. */
export function fakeSpeechPcm(text: string, voiceIndex: number, sampleRate: number): Buffer {
  const pad = Math.round(0.15 * sampleRate);
  const tone = Math.round(Math.max(0.3, text.length * 0.05) * sampleRate);
  const pcm = Buffer.alloc((pad * 2 + tone) * 2);
  const hz = 180 + 60 * voiceIndex;
  for (let i = 0; i < tone; i++) {
    pcm.writeInt16LE(Math.round(8000 * Math.sin((2 * Math.PI * hz * i) / sampleRate)), (pad + i) * 2);
  }
  return pcm;
}

function wav(pcm: Buffer, sampleRate: number, streaming: boolean): Buffer {
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(streaming ? 0xffffffff : 36 + pcm.length, 4);
  header.write('WAVEfmt ', 8, 'ascii');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(sampleRate, 24);
  header.writeUInt32LE(sampleRate * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(streaming ? 0xffffffff : pcm.length, 40);
  return Buffer.concat([header, pcm]);
}

export async function startFakeOpenAI(options: FakeOpenAIOptions = {}): Promise<FakeOpenAI> {
  const chatQueue: FakeChatReply[] = [];
  const speechQueue: FakeSpeechReply[] = [];
  const chatBodies: ChatRequestBody[] = [];
  const speechBodies: SpeechRequestBody[] = [];
  const voices = options.voices ?? OPENAI_VOICES;
  const sampleRate = options.sampleRate ?? 24_000;

  const sendError = (
    res: ServerResponse,
    status: number,
    message: string,
    code?: string,
    headers?: Record<string, string>,
  ) => {
    const body =
      options.errorStyle === 'fastapi'
        ? { detail: { error: code ?? openAiErrorType(status), message, type: openAiErrorType(status) } }
        : openAiErrorBody(status, message, code);
    sendOpenAiJson(res, status, body, headers);
  };

  const chat = (req: RecordedRequest, res: ServerResponse) => {
    const body = JSON.parse(req.body.toString('utf8')) as ChatRequestBody;
    chatBodies.push(body);
    if (typeof body.model !== 'string' || !Array.isArray(body.messages)) {
      return sendError(res, 400, 'model and messages are required');
    }
    if (options.rejectsMaxTokens && body.max_tokens !== undefined) {
      return sendError(
        res,
        400,
        "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.",
        'unsupported_parameter',
      );
    }
    const format = body.response_format?.type;
    const flavour = options.responseFormat ?? 'json_schema';
    if (format && format !== 'text') {
      if (flavour === 'rejected')
        return sendError(res, 400, "'response_format' is not supported by this server");
      if (flavour === 'json_object_only' && format === 'json_schema') {
        return sendError(res, 400, "response_format type 'json_schema' is not supported; use 'json_object'");
      }
    }
    const reply = chatQueue.shift() ?? { kind: 'script' };
    if (reply.kind === 'error') return sendError(res, reply.status, reply.message, reply.code, reply.headers);

    let content: string | null;
    let finish = 'stop';
    let refusal: string | null = null;
    if (reply.kind === 'refusal') {
      content = null;
      refusal = reply.refusal;
    } else if (reply.kind === 'text') {
      content = reply.text;
    } else {
      const json =
        reply.kind === 'script' && reply.script !== undefined
          ? JSON.stringify(reply.script)
          : dialogue(body, reply.kind === 'script' ? reply.lengthFactor : undefined);
      if (reply.kind === 'truncated') {
        content = json.slice(0, Math.floor(json.length / 2));
        finish = 'length';
      } else {
        // Without a JSON mode in force, a chatty model wraps its JSON in prose and a code fence.
        content =
          !format || flavour === 'ignored' || flavour === 'rejected'
            ? `Sure! Here is the episode script:\n\n\`\`\`json\n${json}\n\`\`\`\nLet me know if you want changes.`
            : json;
      }
    }
    if (content !== null && options.thinks)
      content = `<think>The hosts {should} take turns.</think>\n${content}`;
    const usage =
      reply.kind === 'script' && reply.usage
        ? reply.usage
        : {
            prompt_tokens: Math.ceil(req.body.length / 4),
            completion_tokens: Math.ceil((content ?? '').length / 4),
          };
    sendOpenAiJson(res, 200, {
      id: `chatcmpl-fake${++counter}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: body.model,
      choices: [
        { index: 0, message: { role: 'assistant', content, refusal }, finish_reason: finish, logprobs: null },
      ],
      usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens },
    });
  };

  const speech = (req: RecordedRequest, res: ServerResponse) => {
    const body = JSON.parse(req.body.toString('utf8')) as SpeechRequestBody;
    speechBodies.push(body);
    const reply = speechQueue.shift();
    if (reply) return sendError(res, reply.status, reply.message, reply.code, reply.headers);
    if (typeof body.input !== 'string' || body.input.length === 0)
      return sendError(res, 400, 'input is required');
    const voiceIndex = voices.indexOf(body.voice);
    if (voiceIndex < 0) {
      return sendError(
        res,
        400,
        `Invalid value: '${body.voice}'. Supported values are: ${voices.map((v) => `'${v}'`).join(', ')}.`,
        'invalid_value',
      );
    }
    const pcm = fakeSpeechPcm(body.input, voiceIndex, sampleRate);
    const format = body.response_format ?? 'mp3';
    if (format === 'pcm') {
      res.writeHead(200, { 'content-type': 'audio/pcm' }).end(pcm);
    } else if (format === 'wav') {
      res
        .writeHead(200, { 'content-type': 'audio/wav' })
        .end(wav(pcm, sampleRate, !!options.streamingWavHeader));
    } else {
      sendError(res, 400, `the fake speaks only wav and pcm, not ${format}`);
    }
  };

  const server = await startHttpServer((req, res) => {
    const path = req.url.split('?')[0];
    if (options.apiKey && req.headers.authorization !== `Bearer ${options.apiKey}`) {
      return sendError(res, 401, 'Incorrect API key provided.', 'invalid_api_key');
    }
    if (req.method === 'POST' && path === '/v1/chat/completions') return chat(req, res);
    if (req.method === 'POST' && path === '/v1/audio/speech') return speech(req, res);
    if (req.method === 'GET' && path === '/v1/audio/voices' && options.listsVoices) {
      return sendOpenAiJson(res, 200, { voices });
    }
    sendError(res, 404, `Not found: ${req.method} ${path}`);
  });

  return {
    url: `${server.url}/v1`,
    requests: server.requests,
    chatRequests: () => [...chatBodies],
    speechRequests: () => [...speechBodies],
    enqueueChat: (...replies) => chatQueue.push(...replies),
    enqueueSpeech: (...replies) => speechQueue.push(...replies),
    voices,
    close: () => server.close(),
  };
}

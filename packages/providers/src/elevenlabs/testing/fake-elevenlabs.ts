import type { ServerResponse } from 'node:http';
import { type RecordedRequest, startHttpServer } from '@podfleet/test-kit';
import { fakeSpeechPcm } from '../../openai/testing/fake-openai';

/**
 * A local stand-in for the ElevenLabs API (header `xi-api-key`): `POST /v1/text-to-speech/{voice}`
 * (the given MP3 for `mp3_*`, raw PCM for `pcm_*`), `POST /v1/text-to-dialogue/with-timestamps`
 * (base64 PCM of every input in turn, character alignment and `voice_segments`) and
 * `GET /v1/voices`. Each request consumes the next queued reply of its kind; with none queued the
 * fake answers a tone as long as the text (pitch set by the voice's order of first use).
 */
export interface FakeElevenLabsOptions {
  apiKey: string;
  /** Answer to `text-to-speech` with an `mp3_*` format; unset, such requests get 400. */
  mp3?: Buffer;
  /** Characters per dialogue request past which it is refused (max_character_limit_exceeded). */
  maxDialogueChars?: number;
  /** Silence the dialogue puts between two inputs (s). */
  dialogueGapSec?: number;
}

export interface FakeElevenLabsReply {
  status: number;
  /** `detail.status`, e.g. `system_busy`, `quota_exceeded`. */
  reason: string;
  headers?: Record<string, string>;
}

export interface DialogueRequestBody {
  inputs: Array<{ text: string; voice_id: string }>;
  model_id?: string;
  output_format: string;
}

export interface DialogueAnswer {
  inputs: DialogueRequestBody['inputs'];
  sampleRate: number;
  voice_segments: Array<{
    voice_id: string;
    start_time_seconds: number;
    end_time_seconds: number;
    character_start_index: number;
    character_end_index: number;
    dialogue_input_index: number;
  }>;
}

export interface FakeElevenLabs {
  url: string;
  requests: RecordedRequest[];
  /** Bodies of the dialogue requests (output_format from the query), refused ones included. */
  dialogueRequests(): DialogueRequestBody[];
  /** What each answered dialogue request returned, in order. */
  dialogueAnswers(): DialogueAnswer[];
  /** `{voice, text}` of every text-to-speech request. */
  speechRequests(): Array<{ voice: string; text: string; model_id?: string }>;
  enqueueDialogue(...replies: FakeElevenLabsReply[]): void;
  enqueueSpeech(...replies: FakeElevenLabsReply[]): void;
  close(): Promise<void>;
}

const PCM_FORMAT = /^pcm_(\d+)$/;

export async function startFakeElevenLabs(options: FakeElevenLabsOptions): Promise<FakeElevenLabs> {
  const dialogueQueue: FakeElevenLabsReply[] = [];
  const speechQueue: FakeElevenLabsReply[] = [];
  const dialogueBodies: DialogueRequestBody[] = [];
  const answers: DialogueAnswer[] = [];
  const speechBodies: Array<{ voice: string; text: string; model_id?: string }> = [];
  const voiceOrder: string[] = [];
  const voiceIndex = (voice: string) => {
    if (!voiceOrder.includes(voice)) voiceOrder.push(voice);
    return voiceOrder.indexOf(voice);
  };

  const sendError = (
    res: ServerResponse,
    status: number,
    reason: string,
    headers?: Record<string, string>,
  ) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify({ detail: { status: reason, message: `fake: ${reason}` } }));
  };

  const dialogue = (req: RecordedRequest, query: URLSearchParams, res: ServerResponse) => {
    const body = {
      ...(JSON.parse(req.body.toString('utf8')) as Omit<DialogueRequestBody, 'output_format'>),
      output_format: query.get('output_format') ?? 'mp3_44100_128',
    };
    dialogueBodies.push(body);
    const reply = dialogueQueue.shift();
    if (reply) return sendError(res, reply.status, reply.reason, reply.headers);
    const rate = Number(PCM_FORMAT.exec(body.output_format)?.[1]);
    if (!rate) return sendError(res, 400, 'the fake answers dialogue in pcm_* formats only');
    if (!Array.isArray(body.inputs) || body.inputs.length === 0)
      return sendError(res, 422, 'inputs required');
    if (new Set(body.inputs.map((i) => i.voice_id)).size > 10) return sendError(res, 400, 'too_many_voices');
    const chars = body.inputs.reduce((n, i) => n + i.text.length, 0);
    if (chars > (options.maxDialogueChars ?? 5_000))
      return sendError(res, 400, 'max_character_limit_exceeded');

    const gap = Buffer.alloc(Math.round((options.dialogueGapSec ?? 0.2) * rate) * 2);
    const parts: Buffer[] = [];
    const characters: string[] = [];
    const starts: number[] = [];
    const ends: number[] = [];
    const segments: DialogueAnswer['voice_segments'] = [];
    let samples = 0;
    body.inputs.forEach((input, index) => {
      if (index > 0) {
        parts.push(gap);
        samples += gap.length / 2;
      }
      const pcm = fakeSpeechPcm(input.text, voiceIndex(input.voice_id), rate);
      const start = samples / rate;
      samples += pcm.length / 2;
      const end = samples / rate;
      parts.push(pcm);
      const step = (end - start) / input.text.length;
      segments.push({
        voice_id: input.voice_id,
        start_time_seconds: start,
        end_time_seconds: end,
        character_start_index: characters.length,
        character_end_index: characters.length + input.text.length,
        dialogue_input_index: index,
      });
      [...input.text].forEach((ch, i) => {
        characters.push(ch);
        starts.push(start + i * step);
        ends.push(start + (i + 1) * step);
      });
    });
    answers.push({ inputs: body.inputs, sampleRate: rate, voice_segments: segments });
    const alignment = {
      characters,
      character_start_times_seconds: starts,
      character_end_times_seconds: ends,
    };
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        audio_base64: Buffer.concat(parts).toString('base64'),
        alignment,
        normalized_alignment: alignment,
        voice_segments: segments,
      }),
    );
  };

  const speech = (req: RecordedRequest, voice: string, query: URLSearchParams, res: ServerResponse) => {
    const body = JSON.parse(req.body.toString('utf8')) as { text: string; model_id?: string };
    speechBodies.push({ voice, text: body.text, model_id: body.model_id });
    const reply = speechQueue.shift();
    if (reply) return sendError(res, reply.status, reply.reason, reply.headers);
    const format = query.get('output_format') ?? 'mp3_44100_128';
    const rate = Number(PCM_FORMAT.exec(format)?.[1]);
    if (rate) {
      res
        .writeHead(200, { 'content-type': 'audio/pcm' })
        .end(fakeSpeechPcm(body.text, voiceIndex(voice), rate));
    } else if (format.startsWith('mp3_') && options.mp3) {
      res.writeHead(200, { 'content-type': 'audio/mpeg' }).end(options.mp3);
    } else {
      sendError(res, 400, `the fake cannot answer ${format}`);
    }
  };

  const server = await startHttpServer((req, res) => {
    const url = new URL(req.url, 'http://fake');
    if (req.headers['xi-api-key'] !== options.apiKey) return sendError(res, 401, 'invalid_api_key');
    if (req.method === 'POST' && url.pathname === '/v1/text-to-dialogue/with-timestamps')
      return dialogue(req, url.searchParams, res);
    const tts = /^\/v1\/text-to-speech\/([^/]+)$/.exec(url.pathname);
    if (req.method === 'POST' && tts) return speech(req, decodeURIComponent(tts[1]!), url.searchParams, res);
    if (req.method === 'GET' && url.pathname === '/v1/voices') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ voices: [] }));
      return;
    }
    sendError(res, 404, 'not_found');
  });

  return {
    url: server.url,
    requests: server.requests,
    dialogueRequests: () => [...dialogueBodies],
    dialogueAnswers: () => [...answers],
    speechRequests: () => [...speechBodies],
    enqueueDialogue: (...replies) => dialogueQueue.push(...replies),
    enqueueSpeech: (...replies) => speechQueue.push(...replies),
    close: () => server.close(),
  };
}

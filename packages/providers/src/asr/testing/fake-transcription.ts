import { spawn } from 'node:child_process';
import type { ServerResponse } from 'node:http';
import ffmpegInstaller from '@ffmpeg-installer/ffmpeg';
import { type RecordedRequest, startHttpServer } from '@podfleet/test-kit';
import { openAiErrorBody, sendOpenAiJson } from '../../openai/testing/replies';

/**
 * A local stand-in for an OpenAI-compatible transcription server (OpenAI, Speaches,
 * faster-whisper-server): `POST /v1/audio/transcriptions`. It really listens: it decodes the
 * uploaded audio with ffmpeg and "recognises" tones, each tone a word of FAKE_ASR_WORDS (word k is
 * a sine at 250 + 50·k Hz), one segment per run of sound, timed from the start of the file it
 * got. Tests build audio from tones (`toneSpeechPcm`) and know what every chunk must hear.
 */

export const FAKE_ASR_WORDS = [
  'alpha',
  'bravo',
  'charlie',
  'delta',
  'echo',
  'foxtrot',
  'golf',
  'hotel',
  'india',
  'juliett',
  'kilo',
  'lima',
  'mike',
  'november',
  'oscar',
  'papa',
] as const;

const toneHz = (word: number) => 250 + 50 * word;

/** A tone standing for FAKE_ASR_WORDS[word], from `start` to `end` seconds. */
export interface FakeUtterance {
  word: number;
  start: number;
  end: number;
}

/** Mono 16-bit PCM of `durationSec` at `sampleRate`: silence but for the utterances' tones. */
export function toneSpeechPcm(utterances: FakeUtterance[], durationSec: number, sampleRate = 16_000): Buffer {
  const pcm = Buffer.alloc(Math.round(durationSec * sampleRate) * 2);
  for (const u of utterances) {
    const hz = toneHz(u.word);
    const from = Math.round(u.start * sampleRate);
    const to = Math.min(Math.round(u.end * sampleRate), pcm.length / 2);
    for (let i = from; i < to; i++) {
      pcm.writeInt16LE(Math.round(12_000 * Math.sin((2 * Math.PI * hz * (i - from)) / sampleRate)), i * 2);
    }
  }
  return pcm;
}

export interface FakeTranscriptionOptions {
  /** When set, requests without `Authorization: Bearer <apiKey>` get 401 (OpenAI); unset, none is needed. */
  apiKey?: string;
  /**
   * What comes back: `verbose` segments (OpenAI), the same with `words` on each segment and beside
   * them (Speaches, faster-whisper-server, whatever timestamp_granularities says), `{text}` alone
   * (a server without segment support), or the `text` format as text/plain.
   */
  answer?: 'verbose' | 'verbose_with_words' | 'text_only' | 'plain_text';
  /** Error bodies as OpenAI writes them (`{error}`) or as FastAPI servers do (`{detail}`). */
  errorStyle?: 'openai' | 'fastapi';
}

export type FakeTranscriptionReply = {
  kind: 'error';
  status: number;
  message: string;
  code?: string;
  headers?: Record<string, string>;
};

/** The form fields of one transcription request, the file as its name and size. */
export interface TranscriptionRequestFields {
  model: string | null;
  responseFormat: string | null;
  timestampGranularities: string[];
  language: string | null;
  fileName: string | null;
  fileType: string | null;
  fileBytes: number;
}

export interface FakeTranscription {
  /** Base URL ending in `/v1`, as OPENAI_ASR_BASE_URL is written. */
  url: string;
  requests: RecordedRequest[];
  /** Fields of every transcription request (a rejected one included), in arrival order. */
  transcriptionRequests(): TranscriptionRequestFields[];
  /** The most requests the fake was answering at one time. */
  maxInFlight(): number;
  enqueue(...replies: FakeTranscriptionReply[]): void;
  close(): Promise<void>;
}

function decodeToPcm(audio: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      ffmpegInstaller.path,
      ['-hide_banner', '-v', 'error', '-i', 'pipe:0', '-ac', '1', '-ar', '16000', '-f', 's16le', 'pipe:1'],
      { stdio: ['pipe', 'pipe', 'pipe'] },
    );
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.stdin.on('error', () => {});
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(Buffer.concat(out)) : reject(new Error(Buffer.concat(err).toString('utf8'))),
    );
    child.stdin.end(audio);
  });
}

interface HeardSegment {
  start: number;
  end: number;
  text: string;
}

/** Runs of sound (20 ms windows above a threshold, gaps under 0.25 s bridged), named by their pitch. */
function hear(pcm: Buffer): HeardSegment[] {
  const rate = 16_000;
  const window = rate / 50;
  const samples = pcm.length / 2;
  const runs: Array<{ from: number; to: number }> = [];
  for (let w = 0; w * window < samples; w++) {
    let energy = 0;
    const end = Math.min(samples, (w + 1) * window);
    for (let i = w * window; i < end; i++) energy += Math.abs(pcm.readInt16LE(i * 2));
    if (energy / (end - w * window) < 1_000) continue;
    const last = runs.at(-1);
    if (last && w * window - last.to < 0.25 * rate) last.to = end;
    else runs.push({ from: w * window, to: end });
  }
  return runs
    .filter((r) => r.to - r.from >= 0.1 * rate)
    .map(({ from, to }) => {
      // Sign changes counted with hysteresis: noise near zero (re-encoding leaves some) is no crossing.
      let crossings = 0;
      let positive: boolean | undefined;
      for (let i = from; i < to; i++) {
        const sample = pcm.readInt16LE(i * 2);
        if (Math.abs(sample) < 500) continue;
        if (positive !== undefined && sample > 0 !== positive) crossings++;
        positive = sample > 0;
      }
      const hz = crossings / 2 / ((to - from) / rate);
      const word = FAKE_ASR_WORDS[Math.round((hz - 250) / 50)] ?? 'unknown';
      // Whisper's segment text starts with a space.
      return { start: from / rate, end: to / rate, text: ` ${word[0]!.toUpperCase()}${word.slice(1)}.` };
    });
}

export async function startFakeTranscription(
  options: FakeTranscriptionOptions = {},
): Promise<FakeTranscription> {
  const queue: FakeTranscriptionReply[] = [];
  const fields: TranscriptionRequestFields[] = [];
  let inFlight = 0;
  let maxInFlight = 0;

  const sendError = (res: ServerResponse, reply: Omit<FakeTranscriptionReply, 'kind'>) => {
    const { status, message, code, headers } = reply;
    const body =
      options.errorStyle === 'fastapi' ? { detail: message } : openAiErrorBody(status, message, code);
    sendOpenAiJson(res, status, body, headers);
  };

  const transcribe = async (req: RecordedRequest, res: ServerResponse) => {
    const form = await new Response(req.body, {
      headers: { 'content-type': String(req.headers['content-type'] ?? '') },
    }).formData();
    const file = form.get('file');
    const text = (name: string) => {
      const value = form.get(name);
      return typeof value === 'string' ? value : null;
    };
    fields.push({
      model: text('model'),
      responseFormat: text('response_format'),
      timestampGranularities: form.getAll('timestamp_granularities[]').map(String),
      language: text('language'),
      fileName: file instanceof File ? file.name : null,
      fileType: file instanceof File ? file.type : null,
      fileBytes: file instanceof File ? file.size : 0,
    });
    const reply = queue.shift();
    if (reply) return sendError(res, reply);
    if (!(file instanceof File) || !text('model'))
      return sendError(res, { status: 400, message: 'file and model are required' });
    let pcm: Buffer;
    try {
      pcm = await decodeToPcm(Buffer.from(await file.arrayBuffer()));
    } catch (err) {
      return sendError(res, { status: 400, message: `Invalid file format. ${(err as Error).message}` });
    }
    const heard = hear(pcm);
    const transcript = heard
      .map((s) => s.text)
      .join('')
      .trim();
    if (options.answer === 'plain_text') {
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end(transcript);
      return;
    }
    if (options.answer === 'text_only') return sendOpenAiJson(res, 200, { text: transcript });
    const words = options.answer === 'verbose_with_words';
    const segments = heard.map((s, id) => ({
      id,
      seek: 0,
      start: s.start,
      end: s.end,
      text: s.text,
      tokens: [50364, 2221],
      temperature: 0,
      avg_logprob: -0.2,
      compression_ratio: 1.1,
      no_speech_prob: 0.01,
      ...(words ? { words: [{ start: s.start, end: s.end, word: s.text, probability: 0.9 }] } : {}),
    }));
    sendOpenAiJson(res, 200, {
      task: 'transcribe',
      language: text('language') ?? 'english',
      duration: pcm.length / 2 / 16_000,
      text: transcript,
      segments,
      ...(words ? { words: segments.flatMap((s) => s.words ?? []) } : {}),
    });
  };

  const server = await startHttpServer(async (req, res) => {
    const path = req.url.split('?')[0];
    if (options.apiKey && req.headers.authorization !== `Bearer ${options.apiKey}`) {
      return sendError(res, { status: 401, message: 'Incorrect API key provided.', code: 'invalid_api_key' });
    }
    if (req.method !== 'POST' || path !== '/v1/audio/transcriptions') {
      return sendError(res, { status: 404, message: `Not found: ${req.method} ${path}` });
    }
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    try {
      await transcribe(req, res);
    } finally {
      inFlight--;
    }
  });

  return {
    url: `${server.url}/v1`,
    requests: server.requests,
    transcriptionRequests: () => [...fields],
    maxInFlight: () => maxInFlight,
    enqueue: (...replies) => queue.push(...replies),
    close: () => server.close(),
  };
}

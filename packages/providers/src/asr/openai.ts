import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { observeProviderCall } from '@podfleet/telemetry';
import { FormData, request } from 'undici';
import { z } from 'zod';
import { mapLimit, settle } from '../concurrency';
import { retryInPlace } from '../net/retry';
import {
  DEFAULT_OPENAI_BASE_URL,
  openAiHttpError,
  openAiTransportError,
  openAiUrl,
  parseOpenAiAnswer,
} from '../openai/http';
import { ProviderError } from '../types';
import { type AudioChunk, audioDurationSec, extractChunk, planChunks } from './chunks';
import { type ChunkSegment, type ChunkTranscript, stitchChunks } from './stitch';
import type { AsrProvider, TranscribeOptions, TranscriptSegment } from './types';

/** OpenAI refuses a larger file (413); local servers take more, but the chunks never need it. */
export const OPENAI_MAX_UPLOAD_BYTES = 25 * 1024 * 1024;

export const openAiAsrOptionsSchema = z.object({
  /** The ffmpeg binary that cuts the chunks (the audio worker's, @podfleet/assembly ffmpegPath()):
   * passed in so that this package, which the API image carries too, ships no ffmpeg. */
  ffmpegPath: z.string().min(1),
  /** Ends in `/v1`: OpenAI, Speaches or faster-whisper-server (http://localhost:8000/v1). */
  baseUrl: z.string().url().default(DEFAULT_OPENAI_BASE_URL),
  apiKey: z.string().min(1).optional(),
  model: z.string().min(1).default('whisper-1'),
  chunkSec: z.number().min(1).max(3000).default(600),
  overlapSec: z.number().min(0).default(5),
  /** Chunks of one file in flight at once. */
  concurrency: z.number().int().min(1).default(2),
  timeoutMs: z.number().int().positive().default(300_000),
  maxAttempts: z.number().int().min(1).max(10).default(3),
  maxInlineWaitMs: z.number().int().min(0).default(10_000),
  /** Where chunks are cut to (a fresh directory per file, removed after); default the OS's. */
  tempDir: z.string().min(1).optional(),
});
export type OpenAiAsrOptions = z.input<typeof openAiAsrOptionsSchema>;

// verbose_json. OpenAI: {text, language, duration, segments: [{id, start, end, text, …}]};
// Speaches and faster-whisper-server add `words` (ignored) and may send segments whatever
// timestamp_granularities says; a server without segment support answers {text} alone.
const transcriptionSchema = z.object({
  text: z.string().nullish(),
  duration: z.number().nullish(),
  segments: z.array(z.object({ start: z.number(), end: z.number(), text: z.string() })).nullish(),
});

/** Whisper takes ISO 639-1 (`en`), not a locale (`en-US`: 400 on OpenAI). */
export function whisperLanguage(language: string | undefined): string | undefined {
  const code = language?.trim().toLowerCase().split(/[-_]/)[0];
  return code && /^[a-z]{2,3}$/.test(code) ? code : undefined;
}

/**
 * Speech to text through `POST /audio/transcriptions` of an OpenAI-compatible server. The file
 * is cut by ffmpeg into overlapping chunks (16 kHz mono MP3), each chunk transcribed as
 * `verbose_json` with segment timings (retried in place on 429, 5xx and network failures as the
 * other OpenAI clients are), and the chunks' segments shifted and stitched (`stitchChunks`).
 */
export function createOpenAiAsr(options: OpenAiAsrOptions): AsrProvider {
  const opts = openAiAsrOptionsSchema.parse(options);

  async function attempt(
    file: string,
    chunk: AudioChunk,
    language: string | undefined,
    signal: AbortSignal,
  ): Promise<ChunkSegment[]> {
    const audio = await readFile(file);
    const form = new FormData();
    form.append('file', new Blob([audio], { type: 'audio/mpeg' }), basename(file));
    form.append('model', opts.model);
    form.append('response_format', 'verbose_json');
    form.append('timestamp_granularities[]', 'segment');
    if (language) form.append('language', language);
    const timeout = AbortSignal.timeout(opts.timeoutMs);
    const call = {
      kind: 'asr',
      provider: 'openai',
      operation: 'audio.transcriptions',
      attributes: { 'podfleet.asr.audio_seconds': chunk.end - chunk.start, 'podfleet.asr.model': opts.model },
    } as const;
    return observeProviderCall(call, async (span) => {
      try {
        const res = await request(openAiUrl(opts.baseUrl, 'audio/transcriptions'), {
          method: 'POST',
          headers: {
            accept: 'application/json',
            ...(opts.apiKey ? { authorization: `Bearer ${opts.apiKey}` } : {}),
          },
          body: form,
          signal: AbortSignal.any([signal, timeout]),
        });
        span.setAttribute('http.response.status_code', res.statusCode);
        const body = await res.body.text();
        if (res.statusCode < 200 || res.statusCode >= 300) {
          throw openAiHttpError('openai transcription', 'ASR_FAILED', res.statusCode, res.headers, body);
        }
        return segmentsOf(body, String(res.headers['content-type'] ?? ''), chunk);
      } catch (err) {
        throw openAiTransportError('openai transcription', 'ASR_FAILED', err, {
          signal,
          timeout,
          timeoutMs: opts.timeoutMs,
        });
      }
    });
  }

  async function transcribeFile(
    path: string,
    { signal, language }: TranscribeOptions = {},
  ): Promise<TranscriptSegment[]> {
    signal?.throwIfAborted();
    const chunks = planChunks(
      await audioDurationSec(opts.ffmpegPath, path, signal),
      opts.chunkSec,
      opts.overlapSec,
    );
    const dir = await mkdtemp(join(opts.tempDir ?? tmpdir(), 'podfleet-asr-'));
    // The first failure stops the other chunks: their requests and ffmpeg children are aborted.
    const stop = new AbortController();
    const chunkSignal = signal ? AbortSignal.any([signal, stop.signal]) : stop.signal;
    let failure: { error: unknown } | undefined;
    const whisper = whisperLanguage(language);
    const transcribeChunk = async (chunk: AudioChunk): Promise<ChunkTranscript> => {
      chunkSignal.throwIfAborted();
      const file = join(dir, `chunk-${String(chunk.index).padStart(4, '0')}.mp3`);
      await extractChunk(opts.ffmpegPath, path, chunk, file, chunkSignal);
      const { size } = await stat(file);
      if (size > OPENAI_MAX_UPLOAD_BYTES) {
        throw new ProviderError('ASR_FAILED', `transcription: a chunk of ${size} bytes is over 25 MB`, false);
      }
      const segments = await retryInPlace(
        () => attempt(file, chunk, whisper, chunkSignal),
        opts,
        chunkSignal,
      );
      await rm(file, { force: true });
      return { ...chunk, segments };
    };
    try {
      const outcomes = await mapLimit(chunks, opts.concurrency, (chunk) =>
        settle(
          transcribeChunk(chunk).catch((error: unknown) => {
            if (!failure) {
              failure = { error };
              stop.abort(error);
            }
            throw error;
          }),
        ),
      );
      if (failure) throw failure.error;
      return stitchChunks(outcomes.map((o) => (o as PromiseFulfilledResult<ChunkTranscript>).value));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  return { name: 'openai', transcribeFile };
}

/**
 * The chunk's segments, chunk-relative. A server that answers text without segments (no
 * verbose_json support) gets one segment spanning the chunk: the words are kept, timed only as
 * finely as OPENAI_ASR_CHUNK_SEC. No text at all (silence) is no segment.
 */
function segmentsOf(body: string, contentType: string, chunk: AudioChunk): ChunkSegment[] {
  const whole = (text: string | null | undefined, duration?: number | null) =>
    text?.trim() ? [{ start: 0, end: duration ?? chunk.end - chunk.start, text }] : [];
  // response_format ignored altogether: the plain `text` format.
  if (contentType.startsWith('text/plain')) return whole(body);
  const { text, duration, segments } = parseOpenAiAnswer(
    'openai transcription',
    'ASR_FAILED',
    body,
    transcriptionSchema,
  );
  return segments && segments.length > 0 ? segments : whole(text, duration);
}

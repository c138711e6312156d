import {
  type Host,
  ProviderError,
  parseRetryAfter,
  type VoiceInfo,
  type VoiceList,
} from '@podfleet/providers';
import { observeProviderCall } from '@podfleet/telemetry';
import { request } from 'undici';
import { z } from 'zod';
import type { FleetLimiter } from './fleet-limiter';
import { mp3DurationSec } from './mp3-duration';
import { retryInPlace } from './retry';
import type { SynthesisRequest, SynthesisResult, TtsEngine } from './types';

/** Premade voices (Rachel, Adam, Bella, Antoni): two clearly different hosts, then two more. */
export const ELEVENLABS_DEFAULT_VOICES = [
  '21m00Tcm4TlvDq8ikWAM',
  'pNInY2ZSB7x0fq7ddJZq',
  'EXAVITQu4vr4xnSDxMaL',
  'ErXwobaYiN019PkySvjV',
] as const;

export const elevenLabsEngineOptionsSchema = z.object({
  apiKey: z.string().min(1),
  baseUrl: z.string().url().default('https://api.elevenlabs.io'),
  modelId: z.string().min(1).default('eleven_multilingual_v2'),
  outputFormat: z
    .string()
    .regex(/^mp3_\d+_\d+$/)
    .default('mp3_44100_128'),
  /** Voice ids for hosts without an explicit voice, in host order. */
  defaultVoices: z
    .array(z.string().min(1))
    .min(1)
    .default([...ELEVENLABS_DEFAULT_VOICES]),
  voiceSettings: z
    .object({
      stability: z.number().min(0).max(1).optional(),
      similarity_boost: z.number().min(0).max(1).optional(),
      style: z.number().min(0).max(1).optional(),
      use_speaker_boost: z.boolean().optional(),
      speed: z.number().min(0.7).max(1.2).optional(),
    })
    .optional(),
  /** Per request (headers and body). */
  timeoutMs: z.number().int().positive().default(60_000),
  /** Attempts per line for retryable failures (429, 5xx, network); later failures go to the queue's retries. */
  maxAttempts: z.number().int().min(1).max(10).default(3),
  /** How long a 429 without Retry-After pauses the fleet (one with it pauses as long as it says). */
  rateLimitPauseMs: z.number().int().min(0).default(2_000),
  /** Longest Retry-After waited in place; a longer one is thrown at once so the job backs off instead. */
  maxInlineWaitMs: z.number().int().min(0).default(10_000),
});
export type ElevenLabsEngineOptions = z.input<typeof elevenLabsEngineOptionsSchema> & {
  /** Caps concurrent requests across the fleet; a 429 pauses every worker through it. */
  limiter?: FleetLimiter;
};

const errorBodySchema = z.object({
  detail: z.union([
    z.object({ status: z.string().optional(), message: z.string().optional() }),
    z.string(),
    z.array(z.object({ msg: z.string().optional() })),
  ]),
});

// GET /v1/voices: the account's voices (premade, cloned, from the library).
const voicesBodySchema = z.object({
  voices: z.array(
    z.object({
      voice_id: z.string().min(1),
      name: z.string().nullish(),
      labels: z.record(z.string(), z.string().nullish()).nullish(),
    }),
  ),
});

function describeError(body: Buffer): { status: string | undefined; message: string } {
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    return { status: undefined, message: body.toString('utf8').slice(0, 200) };
  }
  const parsed = errorBodySchema.safeParse(json);
  if (!parsed.success) return { status: undefined, message: JSON.stringify(json).slice(0, 200) };
  const { detail } = parsed.data;
  if (typeof detail === 'string') return { status: undefined, message: detail };
  if (Array.isArray(detail))
    return { status: 'validation_error', message: detail.map((d) => d.msg).join('; ') };
  return { status: detail.status, message: detail.message ?? detail.status ?? 'unknown error' };
}

function httpError(status: number, headers: Record<string, string | string[] | undefined>, body: Buffer) {
  const { status: reason, message } = describeError(body);
  const header = headers['retry-after'];
  const retryAfterMs = parseRetryAfter(Array.isArray(header) ? header[0] : header);
  const text = `ElevenLabs ${status}${reason ? ` ${reason}` : ''}: ${message}`;
  if (status === 429) return new ProviderError('RATE_LIMITED', text, true, retryAfterMs);
  if (status >= 500 || status === 408) return new ProviderError('TTS_FAILED', text, true, retryAfterMs);
  // 400 voice_not_found / text too long, 401 invalid_api_key / quota_exceeded, 422 validation.
  return new ProviderError('TTS_FAILED', text, false);
}

/** ElevenLabs text-to-speech over HTTP, one request per line, MP3 out. */
export function createElevenLabsEngine(options: ElevenLabsEngineOptions): TtsEngine {
  const opts = elevenLabsEngineOptionsSchema.parse(options);
  const { limiter } = options;
  const sampleRate = Number(opts.outputFormat.split('_')[1]);
  const base = opts.baseUrl.replace(/\/+$/, '');

  async function attempt(text: string, voice: string, signal?: AbortSignal): Promise<Buffer> {
    const lease = await limiter?.acquire(signal);
    const timeout = AbortSignal.timeout(opts.timeoutMs);
    const call = {
      kind: 'tts',
      provider: 'elevenlabs',
      operation: 'text-to-speech',
      attributes: { 'podfleet.tts.characters': text.length, 'podfleet.tts.voice': voice },
    } as const;
    try {
      return await observeProviderCall(call, async (span) => {
        try {
          const url = `${base}/v1/text-to-speech/${encodeURIComponent(voice)}?output_format=${opts.outputFormat}`;
          const res = await request(url, {
            method: 'POST',
            headers: { 'xi-api-key': opts.apiKey, 'content-type': 'application/json', accept: 'audio/mpeg' },
            body: JSON.stringify({ text, model_id: opts.modelId, voice_settings: opts.voiceSettings }),
            signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
          });
          span.setAttribute('http.response.status_code', res.statusCode);
          const body = Buffer.from(await res.body.arrayBuffer());
          if (res.statusCode >= 200 && res.statusCode < 300) return body;
          const error = httpError(res.statusCode, res.headers, body);
          // Every worker shares the key's limit: one worker's 429 slows the whole fleet down.
          if (error.code === 'RATE_LIMITED')
            await limiter?.pauseFor(error.retryAfterMs ?? opts.rateLimitPauseMs);
          throw error;
        } catch (err) {
          if (err instanceof ProviderError) throw err;
          if (signal?.aborted) throw signal.reason;
          if (timeout.aborted) {
            throw new ProviderError(
              'TIMEOUT',
              `ElevenLabs: no answer in ${opts.timeoutMs} ms`,
              true,
              undefined,
              {
                cause: err,
              },
            );
          }
          throw new ProviderError(
            'TTS_FAILED',
            `ElevenLabs unreachable: ${(err as Error).message}`,
            true,
            undefined,
            {
              cause: err,
            },
          );
        }
      });
    } finally {
      await lease?.release();
    }
  }

  async function synthesize({ text, voice, signal }: SynthesisRequest): Promise<SynthesisResult> {
    const audio = await retryInPlace(() => attempt(text, voice, signal), opts, signal);
    return { audio, format: 'mp3', sampleRate, durationSec: mp3DurationSec(audio), characters: text.length };
  }

  return {
    name: 'elevenlabs',
    voicesFor(hosts: Host[]) {
      const taken = new Set(hosts.flatMap((h) => (h.voice ? [h.voice] : [])));
      const free = opts.defaultVoices.filter((v) => !taken.has(v));
      // More hosts than free defaults: reuse in turn (ids cannot be invented).
      let next = 0;
      return hosts.map((h) => h.voice ?? free[next++ % Math.max(1, free.length)] ?? opts.defaultVoices[0]!);
    },
    synthesize,
    /** The account's voices (a language where ElevenLabs labels one), with the defaults always among them. */
    async listVoices(): Promise<VoiceList> {
      let voices: VoiceInfo[] = [];
      try {
        const res = await request(`${base}/v1/voices`, {
          headers: { 'xi-api-key': opts.apiKey, accept: 'application/json' },
          signal: AbortSignal.timeout(opts.timeoutMs),
        });
        const body = await res.body.text();
        const parsed = res.statusCode === 200 ? voicesBodySchema.safeParse(JSON.parse(body)) : undefined;
        voices = (parsed?.success ? parsed.data.voices : []).map((v) => {
          const language = v.labels?.language;
          return { id: v.voice_id, name: v.name || v.voice_id, languages: language ? [language] : [] };
        });
      } catch {
        // Unreachable or not JSON: the defaults alone.
      }
      const listed = new Set(voices.map((v) => v.id));
      for (const id of opts.defaultVoices) if (!listed.has(id)) voices.push({ id, name: id, languages: [] });
      return {
        engine: 'elevenlabs',
        voices,
        languages: [...new Set(voices.flatMap((v) => v.languages))].sort(),
        defaults: opts.defaultVoices.slice(0, 4),
      };
    },
    async close() {},
  };
}

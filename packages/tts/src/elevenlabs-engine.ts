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
import { mp3DurationSec } from './mp3-duration';
import { type FleetLimitedOptions, httpEngineOptionFields, retryInPlace } from './retry';
import type {
  DialogueSynthesis,
  DialogueSynthesisRequest,
  SynthesisRequest,
  SynthesisResult,
  TtsEngine,
} from './types';
import { wavClip } from './wav';

/** Premade voices (Rachel, Adam, Bella, Antoni): two clearly different hosts, then two more. */
export const ELEVENLABS_DEFAULT_VOICES = [
  '21m00Tcm4TlvDq8ikWAM',
  'pNInY2ZSB7x0fq7ddJZq',
  'EXAVITQu4vr4xnSDxMaL',
  'ErXwobaYiN019PkySvjV',
] as const;

// What each model speaks (ISO 639-1, as ElevenLabs' model list names them); a model not listed
// (eleven_v3: 70+ languages, or a newer one) is taken to speak whatever the text is in.
const MULTILINGUAL_V2 =
  'en ja zh de hi fr ko pt it es id nl tr fil pl sv bg ro ar cs el fi hr ms sk da ta uk ru';
const V2_5 = `${MULTILINGUAL_V2} hu no vi`;
const MODEL_LANGUAGES: Record<string, readonly string[]> = {
  eleven_multilingual_v2: MULTILINGUAL_V2.split(' '),
  eleven_turbo_v2_5: V2_5.split(' '),
  eleven_flash_v2_5: V2_5.split(' '),
  eleven_turbo_v2: ['en'],
  eleven_flash_v2: ['en'],
  eleven_monolingual_v1: ['en'],
};
/** Models that take `language_code` (the others refuse it with an error). */
const LANGUAGE_CODE_MODELS = new Set(['eleven_turbo_v2_5', 'eleven_flash_v2_5']);

/** Distinct voices text-to-dialogue takes in one request. */
const DIALOGUE_MAX_VOICES = 10;

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
  /** `dialogue`: runs of consecutive lines go to text-to-dialogue, split back into lines by its voice_segments. */
  mode: z.enum(['speech', 'dialogue']).default('speech'),
  /** Text-to-dialogue's model (only eleven_v3 speaks dialogue). */
  dialogueModelId: z.string().min(1).default('eleven_v3'),
  /** Raw PCM, so the conversation is cut into lines at exact samples (pcm_44100 needs the Pro plan). */
  dialogueOutputFormat: z
    .string()
    .regex(/^pcm_\d+$/)
    .default('pcm_24000'),
  /** Characters per dialogue request (ElevenLabs: ~5 000 at most, ≤ 2 000 advised for reliable output). */
  dialogueMaxChars: z.number().int().min(1).max(5_000).default(2_000),
  ...httpEngineOptionFields,
});
export type ElevenLabsEngineOptions = z.input<typeof elevenLabsEngineOptionsSchema> & FleetLimitedOptions;

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

// text-to-dialogue/with-timestamps; alignment (per character) is not needed to cut lines.
const dialogueBodySchema = z.object({
  audio_base64: z.string(),
  voice_segments: z.array(
    z.object({
      voice_id: z.string(),
      start_time_seconds: z.number(),
      end_time_seconds: z.number(),
      dialogue_input_index: z.number().int(),
    }),
  ),
});

/** A failed ElevenLabs answer, with its HTTP status (dialogue falls back on some, not others). */
class ElevenLabsError extends ProviderError {
  constructor(
    readonly httpStatus: number,
    ...args: ConstructorParameters<typeof ProviderError>
  ) {
    super(...args);
  }
}

function httpError(status: number, headers: Record<string, string | string[] | undefined>, body: Buffer) {
  const { status: reason, message } = describeError(body);
  const header = headers['retry-after'];
  const retryAfterMs = parseRetryAfter(Array.isArray(header) ? header[0] : header);
  const text = `ElevenLabs ${status}${reason ? ` ${reason}` : ''}: ${message}`;
  if (status === 429) return new ElevenLabsError(status, 'RATE_LIMITED', text, true, retryAfterMs);
  if (status >= 500 || status === 408)
    return new ElevenLabsError(status, 'TTS_FAILED', text, true, retryAfterMs);
  // 400 voice_not_found / text too long, 401 invalid_api_key / quota_exceeded, 422 validation.
  return new ElevenLabsError(status, 'TTS_FAILED', text, false);
}

/**
 * Whether a failed dialogue request is worth voicing line by line instead: not when the key, the
 * quota or the rate limit refused it (the speech endpoint would refuse too), nor when cancelled.
 */
function speechMaySucceed(err: unknown): boolean {
  if (!(err instanceof ProviderError) || err.code === 'RATE_LIMITED') return false;
  return !(err instanceof ElevenLabsError && [401, 402, 403].includes(err.httpStatus));
}

/**
 * Cuts a conversation's PCM into one WAV clip per input at its voice segments' times (an input's
 * earliest start to its latest end); unusable timings (an input without a segment of its voice, or
 * with no audio) are a failure, so the lines are voiced one by one instead.
 */
function splitDialogue(
  pcm: Buffer,
  sampleRate: number,
  lines: DialogueSynthesisRequest['lines'],
  segments: z.infer<typeof dialogueBodySchema>['voice_segments'],
): SynthesisResult[] {
  const totalSamples = Math.floor(pcm.length / 2);
  return lines.map((line, index) => {
    const own = segments.filter((s) => s.dialogue_input_index === index && s.voice_id === line.voice);
    const start = Math.round(Math.min(...own.map((s) => s.start_time_seconds)) * sampleRate);
    const end = Math.min(
      totalSamples,
      Math.round(Math.max(...own.map((s) => s.end_time_seconds)) * sampleRate),
    );
    if (own.length === 0 || !(start >= 0 && end > start)) {
      throw new ProviderError(
        'TTS_FAILED',
        `ElevenLabs dialogue: no usable voice segment for line ${index + 1} of ${lines.length}`,
        false,
      );
    }
    return wavClip(pcm.subarray(start * 2, end * 2), sampleRate, line.text);
  });
}

/** ElevenLabs text-to-speech over HTTP, one request per line, MP3 out. */
export function createElevenLabsEngine(options: ElevenLabsEngineOptions): TtsEngine {
  const opts = elevenLabsEngineOptionsSchema.parse(options);
  const { limiter } = options;
  const sampleRate = Number(opts.outputFormat.split('_')[1]);
  const base = opts.baseUrl.replace(/\/+$/, '');

  /** One POST through the fleet limiter, as a client span; the answer's body on 2xx. */
  async function post(
    operation: 'text-to-speech' | 'text-to-dialogue',
    path: string,
    body: unknown,
    attributes: { characters: number; voice: string },
    signal?: AbortSignal,
  ): Promise<Buffer> {
    const lease = await limiter?.acquire(signal);
    const timeout = AbortSignal.timeout(opts.timeoutMs);
    const call = {
      kind: 'tts',
      provider: 'elevenlabs',
      operation,
      attributes: {
        'podfleet.tts.characters': attributes.characters,
        'podfleet.tts.voice': attributes.voice,
      },
    } as const;
    try {
      return await observeProviderCall(call, async (span) => {
        try {
          const res = await request(`${base}${path}`, {
            method: 'POST',
            headers: {
              'xi-api-key': opts.apiKey,
              'content-type': 'application/json',
              accept: operation === 'text-to-speech' ? 'audio/mpeg' : 'application/json',
            },
            body: JSON.stringify(body),
            signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
          });
          span.setAttribute('http.response.status_code', res.statusCode);
          const answer = Buffer.from(await res.body.arrayBuffer());
          if (res.statusCode >= 200 && res.statusCode < 300) return answer;
          const error = httpError(res.statusCode, res.headers, answer);
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

  async function synthesize({ text, voice, language, signal }: SynthesisRequest): Promise<SynthesisResult> {
    const path = `/v1/text-to-speech/${encodeURIComponent(voice)}?output_format=${opts.outputFormat}`;
    const body = {
      text,
      model_id: opts.modelId,
      voice_settings: opts.voiceSettings,
      // The models that can be told the language (it steers pronunciation and text normalisation).
      ...(language && LANGUAGE_CODE_MODELS.has(opts.modelId)
        ? { language_code: language.toLowerCase().split('-')[0] }
        : {}),
    };
    const audio = await retryInPlace(
      () => post('text-to-speech', path, body, { characters: text.length, voice }, signal),
      opts,
      signal,
    );
    return { audio, format: 'mp3', sampleRate, durationSec: mp3DurationSec(audio), characters: text.length };
  }

  const dialogueRate = Number(opts.dialogueOutputFormat.split('_')[1]);

  async function voiceDialogue({ lines, signal }: DialogueSynthesisRequest): Promise<SynthesisResult[]> {
    const path = `/v1/text-to-dialogue/with-timestamps?output_format=${opts.dialogueOutputFormat}`;
    const body = {
      inputs: lines.map((l) => ({ text: l.text, voice_id: l.voice })),
      model_id: opts.dialogueModelId,
    };
    const attributes = {
      characters: lines.reduce((n, l) => n + l.text.length, 0),
      voice: [...new Set(lines.map((l) => l.voice))].join(','),
    };
    const answer = await retryInPlace(
      () => post('text-to-dialogue', path, body, attributes, signal),
      opts,
      signal,
    );
    let parsed: z.infer<typeof dialogueBodySchema>;
    try {
      parsed = dialogueBodySchema.parse(JSON.parse(answer.toString('utf8')));
    } catch (err) {
      throw new ProviderError('TTS_FAILED', 'ElevenLabs dialogue: unexpected answer', false, undefined, {
        cause: err,
      });
    }
    return splitDialogue(
      Buffer.from(parsed.audio_base64, 'base64'),
      dialogueRate,
      lines,
      parsed.voice_segments,
    );
  }

  const dialogue: DialogueSynthesis = {
    maxChars: opts.dialogueMaxChars,
    maxVoices: DIALOGUE_MAX_VOICES,
    async synthesize(req) {
      const { lines, signal } = req;
      const chars = lines.reduce((n, l) => n + l.text.length, 0);
      if (chars <= opts.dialogueMaxChars && new Set(lines.map((l) => l.voice)).size <= DIALOGUE_MAX_VOICES) {
        try {
          return await voiceDialogue(req);
        } catch (err) {
          if (signal?.aborted || !speechMaySucceed(err)) throw err;
        }
      }
      // Per-line speech, the default mode's way, for a chunk dialogue could not voice.
      const results: SynthesisResult[] = [];
      for (const line of lines)
        results.push(
          await synthesize({ text: line.text, voice: line.voice, language: req.language, signal }),
        );
      return results;
    },
  };

  return {
    name: 'elevenlabs',
    speed: opts.voiceSettings?.speed ?? 1,
    // Dialogue clips differ from speech clips of the same line (model, context): cached apart.
    ...(opts.mode === 'dialogue'
      ? { cacheScope: `elevenlabs:dialogue:${opts.dialogueModelId}`, dialogue }
      : {}),
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
      const modelLanguages = MODEL_LANGUAGES[opts.modelId];
      return {
        engine: 'elevenlabs',
        voices,
        // The model speaks its languages with any voice (a voice's label is its accent).
        languages: [...(modelLanguages ?? new Set(voices.flatMap((v) => v.languages)))].sort(),
        anyLanguage: modelLanguages === undefined,
        languagesByVoice: false,
        defaults: opts.defaultVoices.slice(0, 4),
      };
    },
    async close() {},
  };
}

import {
  bestLanguageMatch,
  DEFAULT_OPENAI_BASE_URL,
  type Host,
  openAiHeaders,
  openAiHttpError,
  openAiTransportError,
  openAiUrl,
  ProviderError,
  type VoiceInfo,
  type VoiceList,
} from '@podfleet/providers';
import { observeProviderCall } from '@podfleet/telemetry';
import { request } from 'undici';
import { z } from 'zod';
import { type FleetLimitedOptions, httpEngineOptionFields, retryInPlace } from './retry';
import type { SynthesisRequest, SynthesisResult, TtsEngine } from './types';
import { parseWav, trimLeadingSilence, trimTrailingSilence, wavClip } from './wav';

/** OpenAI's voices for tts-1 and gpt-4o-mini-tts; the first four are the hosts' defaults. */
export const OPENAI_TTS_VOICES = [
  'nova',
  'onyx',
  'shimmer',
  'echo',
  'alloy',
  'ash',
  'coral',
  'fable',
  'sage',
] as const;

export const openAiTtsEngineOptionsSchema = z.object({
  /** Ends in `/v1`: OpenAI, Kokoro-FastAPI (http://localhost:8880/v1), Speaches (http://localhost:8000/v1). */
  baseUrl: z.string().url().default(DEFAULT_OPENAI_BASE_URL),
  apiKey: z.string().min(1).optional(),
  model: z.string().min(1).default('tts-1'),
  /** The voices offered, hosts' defaults first; unset, the server's list (Kokoro-FastAPI) or OpenAI's. */
  voices: z.array(z.string().min(1)).min(1).optional(),
  /** `wav` (sample rate read from its header) or `pcm` (raw 16-bit mono at pcmSampleRate). */
  format: z.enum(['wav', 'pcm']).default('wav'),
  pcmSampleRate: z.number().int().positive().default(24_000),
  speed: z.number().min(0.25).max(4).optional(),
  ...httpEngineOptionFields,
});
export type OpenAiTtsEngineOptions = z.input<typeof openAiTtsEngineOptionsSchema> & FleetLimitedOptions;

// Kokoro's voice ids start with a language letter and a gender letter: af_bella, bm_george.
const KOKORO_LANGUAGES: Record<string, string> = {
  a: 'en-us',
  b: 'en-gb',
  e: 'es',
  f: 'fr',
  h: 'hi',
  i: 'it',
  j: 'ja',
  p: 'pt-br',
  z: 'zh',
};
const KOKORO_ID = /^([a-z])([fm])_/;

function voiceInfo(id: string): VoiceInfo {
  const language = KOKORO_LANGUAGES[KOKORO_ID.exec(id)?.[1] ?? ''];
  return { id, name: id, languages: language ? [language] : [] };
}

/** Kokoro-style lists alternate a female and a male voice of the first language; others keep their order. */
function defaultsOf(voices: readonly string[]): string[] {
  const kokoro = voices.filter((v) => KOKORO_ID.test(v));
  if (kokoro.length < 2) return voices.slice(0, 4);
  const lang = KOKORO_ID.exec(kokoro[0]!)![1];
  const female = kokoro.filter((v) => v.startsWith(`${lang}f_`));
  const male = kokoro.filter((v) => v.startsWith(`${lang}m_`));
  const picked = [female[0], male[0], female[1], male[1]].filter((v): v is string => v !== undefined);
  return picked.length > 0 ? picked : voices.slice(0, 4);
}

// Kokoro-FastAPI answers {voices: ["af_bella", …]}; other servers list objects.
const voiceListSchema = z.object({
  voices: z.array(
    z.union([
      z.string(),
      z.object({ id: z.string() }),
      z.object({ voice_id: z.string() }),
      z.object({ name: z.string() }),
    ]),
  ),
});

/** Text-to-speech through `POST /audio/speech` of an OpenAI-compatible server, one request per line, WAV out. */
export function createOpenAiTtsEngine(options: OpenAiTtsEngineOptions = {}): TtsEngine {
  const opts = openAiTtsEngineOptionsSchema.parse(options);
  const { limiter } = options;
  let voices: readonly string[] = opts.voices ?? OPENAI_TTS_VOICES;
  let defaults = opts.voices ? opts.voices.slice(0, 4) : OPENAI_TTS_VOICES.slice(0, 4);
  let listed: Promise<void> | undefined;

  /** Asks the server for its voices once (Kokoro-FastAPI lists them; OpenAI answers 404): configured voices win. */
  function discoverVoices(): Promise<void> {
    listed ??= (async () => {
      if (opts.voices) return;
      try {
        const res = await request(openAiUrl(opts.baseUrl, 'audio/voices'), {
          headers: openAiHeaders(opts.apiKey),
          signal: AbortSignal.timeout(opts.timeoutMs),
        });
        const body = await res.body.text();
        if (res.statusCode !== 200) return;
        const parsed = voiceListSchema.safeParse(JSON.parse(body));
        if (!parsed.success || parsed.data.voices.length === 0) return;
        voices = parsed.data.voices.map((v) =>
          typeof v === 'string' ? v : 'id' in v ? v.id : 'voice_id' in v ? v.voice_id : v.name,
        );
        defaults = defaultsOf(voices);
      } catch {
        // No list (or not JSON): OpenAI's voices stand.
      }
    })();
    return listed;
  }

  function decode(audio: Buffer): { pcm: Buffer; sampleRate: number } | undefined {
    if (opts.format === 'pcm') return { pcm: audio, sampleRate: opts.pcmSampleRate };
    const wav = parseWav(audio);
    return wav.channels === 1 && wav.bitsPerSample === 16 ? wav : undefined;
  }

  async function attempt(text: string, voice: string, signal?: AbortSignal): Promise<Buffer> {
    const lease = await limiter?.acquire(signal);
    const timeout = AbortSignal.timeout(opts.timeoutMs);
    const call = {
      kind: 'tts',
      provider: 'openai',
      operation: 'audio.speech',
      attributes: { 'podfleet.tts.characters': text.length, 'podfleet.tts.voice': voice },
    } as const;
    try {
      return await observeProviderCall(call, async (span) => {
        try {
          const res = await request(openAiUrl(opts.baseUrl, 'audio/speech'), {
            method: 'POST',
            headers: openAiHeaders(opts.apiKey, 'audio/*'),
            body: JSON.stringify({
              model: opts.model,
              input: text,
              voice,
              response_format: opts.format,
              ...(opts.speed === undefined ? {} : { speed: opts.speed }),
            }),
            signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
          });
          span.setAttribute('http.response.status_code', res.statusCode);
          const body = Buffer.from(await res.body.arrayBuffer());
          if (res.statusCode >= 200 && res.statusCode < 300) {
            if (body.length === 0) throw new ProviderError('TTS_FAILED', 'openai speech: empty audio', true);
            return body;
          }
          const error = openAiHttpError(
            'openai speech',
            'TTS_FAILED',
            res.statusCode,
            res.headers,
            body.toString('utf8'),
          );
          // Every worker shares the key's limit (or the local server's capacity): one 429 slows the fleet.
          if (error.code === 'RATE_LIMITED')
            await limiter?.pauseFor(error.retryAfterMs ?? opts.rateLimitPauseMs);
          throw error;
        } catch (err) {
          throw openAiTransportError('openai speech', 'TTS_FAILED', err, {
            signal,
            timeout,
            timeoutMs: opts.timeoutMs,
          });
        }
      });
    } finally {
      await lease?.release();
    }
  }

  async function synthesize({ text, voice, signal }: SynthesisRequest): Promise<SynthesisResult> {
    const audio = await retryInPlace(() => attempt(text, voice, signal), opts, signal);
    let decoded: ReturnType<typeof decode>;
    try {
      decoded = decode(audio);
    } catch (err) {
      throw new ProviderError(
        'TTS_FAILED',
        `openai speech: unreadable ${opts.format}: ${(err as Error).message}`,
        true,
        undefined,
        { cause: err },
      );
    }
    if (!decoded) {
      // Not mono 16-bit: kept as it came; assembly decodes it with ffmpeg.
      const wav = parseWav(audio);
      const bytesPerSecond = wav.sampleRate * wav.channels * (wav.bitsPerSample / 8);
      return {
        audio,
        format: 'wav',
        sampleRate: wav.sampleRate,
        durationSec: wav.pcm.length / bytesPerSecond,
        characters: text.length,
      };
    }
    // Servers pad speech with silence; assembly chooses the pauses between turns.
    const { sampleRate } = decoded;
    const pcm = trimTrailingSilence(trimLeadingSilence(decoded.pcm, sampleRate), sampleRate);
    return wavClip(pcm, sampleRate, text);
  }

  return {
    name: 'openai',
    // Voice names repeat across servers and models (OpenAI's and a Speaches server's "alloy").
    cacheScope: `openai ${opts.baseUrl} ${opts.model} ${opts.format}`,
    speed: opts.speed ?? 1,
    voicesFor(hosts: Host[], language?: string) {
      const taken = new Set(hosts.flatMap((h) => (h.voice ? [h.voice] : [])));
      // Kokoro's voices each speak one language: hosts without a voice get the script's, when it has some.
      const best = language
        ? bestLanguageMatch(language, [...new Set(voices.flatMap((v) => voiceInfo(v).languages))])
        : undefined;
      const ofLanguage = best ? voices.filter((v) => voiceInfo(v).languages.includes(best)) : [];
      const preferred = ofLanguage.length > 0 ? [...defaultsOf(ofLanguage), ...ofLanguage] : [];
      const free = [...preferred, ...defaults, ...voices].filter(
        (v, i, all) => !taken.has(v) && all.indexOf(v) === i,
      );
      let next = 0;
      return hosts.map((h) => h.voice ?? free[next++ % Math.max(1, free.length)] ?? defaults[0]!);
    },
    synthesize,
    setUp: discoverVoices,
    async listVoices(): Promise<VoiceList> {
      await discoverVoices();
      const infos = voices.map(voiceInfo);
      return {
        engine: 'openai',
        voices: infos,
        languages: [...new Set(infos.flatMap((v) => v.languages))].sort(),
        // OpenAI's voices (no language of their own) read whatever language the text is in.
        anyLanguage: infos.some((v) => v.languages.length === 0),
        languagesByVoice: true,
        defaults: [...defaults],
      };
    },
    async close() {},
  };
}

import { z } from 'zod';
import { languageMatches } from './languages';
import { type PublishedStore, publish, readPublished } from './published';
import type { Host } from './types';

/**
 * The voices of the fleet's TTS engine. The audio worker, which holds the engine and its keys,
 * publishes them in Redis when it starts; the API reads them to list voices (GET /v1/voices) and
 * to refuse a host voice the engine does not have.
 */

export const voiceInfoSchema = z.object({
  /** What `style.hosts[].voice` takes. */
  id: z.string().min(1),
  name: z.string().min(1),
  /** Codes it speaks (e.g. `en-us`); empty when it speaks whatever language the text is in. */
  languages: z.array(z.string()),
});
export type VoiceInfo = z.infer<typeof voiceInfoSchema>;

export const voiceListSchema = z.object({
  engine: z.string().min(1),
  voices: z.array(voiceInfoSchema),
  /** Every language the engine speaks (some voice speaks it, or the model does with any voice), sorted. */
  languages: z.array(z.string()),
  /** Speaks whatever language the text is in (OpenAI's voices, ElevenLabs v3): `languages` is not a limit. */
  anyLanguage: z.boolean().optional(),
  /**
   * A voice speaks only its own `languages` (espeak, Kokoro); false or absent: every voice speaks
   * every language of the engine, its label being an accent (ElevenLabs' multilingual models).
   */
  languagesByVoice: z.boolean().optional(),
  /** Voices hosts without one get, in host order. */
  defaults: z.array(z.string()),
  /** Ids accepted besides the listed ones (espeak: a language, a variant and a pitch). */
  pattern: z.object({ regex: z.string(), example: z.string() }).optional(),
});
export type VoiceList = z.infer<typeof voiceListSchema>;

/** The Redis commands used (an ioredis client has them). */
export type VoiceStore = PublishedStore;

export const voiceListKey = (prefix: string) => `${prefix}:tts:voices`;

/** Replaces the published list: the last audio worker to start names the fleet's engine. */
export async function publishVoiceList(store: VoiceStore, prefix: string, list: VoiceList): Promise<void> {
  await publish(store, voiceListKey(prefix), voiceListSchema, list);
}

/** The published list; null before any audio worker has started (or when it is unreadable). */
export async function readVoiceList(store: VoiceStore, prefix: string): Promise<VoiceList | null> {
  return readPublished(store, voiceListKey(prefix), voiceListSchema);
}

/** The hosts' chosen voices the list does not offer, with their host's index. */
export function unknownVoices(
  list: VoiceList,
  hosts: readonly Pick<Host, 'voice'>[],
): Array<{ index: number; voice: string }> {
  const ids = new Set(list.voices.map((v) => v.id));
  const pattern = list.pattern ? new RegExp(list.pattern.regex) : undefined;
  return hosts.flatMap((host, index) =>
    host.voice === undefined || ids.has(host.voice) || pattern?.test(host.voice)
      ? []
      : [{ index, voice: host.voice }],
  );
}

/** The listed voice behind an id: itself, or for a pattern id (`de+m3@40`) its language's plain voice. */
function listedVoice(list: VoiceList, id: string): VoiceInfo | undefined {
  return list.voices.find((v) => v.id === id) ?? list.voices.find((v) => v.id === id.split(/[+@]/)[0]);
}

/** Why the engine cannot speak `language` (null when it can): for a 422 naming what it speaks. */
export function unspokenLanguage(list: VoiceList, language: string): string | null {
  if (list.anyLanguage || list.languages.some((code) => languageMatches(language, code))) return null;
  return `the ${list.engine} engine does not speak "${language}"; it speaks: ${list.languages.join(', ') || '(none listed)'}`;
}

/**
 * Hosts' chosen voices that do not speak `language`, where a voice speaks only its own languages
 * (espeak, Kokoro): such a voice would read the script with another language's sounds.
 */
export function voiceLanguageMismatches(
  list: VoiceList,
  hosts: readonly Pick<Host, 'voice'>[],
  language: string,
): Array<{ index: number; voice: string; languages: string[] }> {
  if (!list.languagesByVoice) return [];
  return hosts.flatMap((host, index) => {
    if (host.voice === undefined) return [];
    const languages = listedVoice(list, host.voice)?.languages ?? [];
    return languages.length === 0 || languages.some((code) => languageMatches(language, code))
      ? []
      : [{ index, voice: host.voice, languages }];
  });
}

import { z } from 'zod';
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
  /** Every language some voice speaks, sorted. */
  languages: z.array(z.string()),
  /** Voices hosts without one get, in host order. */
  defaults: z.array(z.string()),
  /** Ids accepted besides the listed ones (espeak: a language, a variant and a pitch). */
  pattern: z.object({ regex: z.string(), example: z.string() }).optional(),
});
export type VoiceList = z.infer<typeof voiceListSchema>;

/** The Redis commands used (an ioredis client has them). */
export interface VoiceStore {
  get(key: string): Promise<string | null>;
  set(key: string, value: string): Promise<unknown>;
}

export const voiceListKey = (prefix: string) => `${prefix}:tts:voices`;

/** Replaces the published list: the last audio worker to start names the fleet's engine. */
export async function publishVoiceList(store: VoiceStore, prefix: string, list: VoiceList): Promise<void> {
  await store.set(voiceListKey(prefix), JSON.stringify(voiceListSchema.parse(list)));
}

/** The published list; null before any audio worker has started (or when it is unreadable). */
export async function readVoiceList(store: VoiceStore, prefix: string): Promise<VoiceList | null> {
  const raw = await store.get(voiceListKey(prefix));
  if (raw === null) return null;
  try {
    const parsed = voiceListSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
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

import { bestLanguageMatch, type Host, languageMatches, type VoiceList } from '@podfleet/providers';

/**
 * espeak-ng voice ids are `<voice>[+<variant>][@<pitch 0-99>]`, e.g. `en-us@35`, `en-us+f3@70`.
 * The presets differ in pitch, variant and accent so up to four hosts are told apart by ear.
 */
// Alternating higher and lower voices, higher first, so the default hosts (Maya, Theo) sound as
// their names suggest and any two hosts are easy to tell apart.
export const ESPEAK_VOICE_PRESETS = ['en-us+f3@70', 'en-us@35', 'en-gb+f4@85', 'en-gb-x-rp+m3@50'] as const;

const VOICE_ID = /^([a-z]{2,3}(?:-[a-z0-9]{1,8})*(?:\+[A-Za-z0-9_]{1,32})?)(?:@(\d{1,2}))?$/;

export interface EspeakVoice {
  /** The `-v` argument. */
  name: string;
  /** The `-p` argument (0–99). */
  pitch: number;
}

/** Parses a voice id; the strict pattern also keeps user input from becoming a command-line flag. */
export function parseEspeakVoice(voice: string): EspeakVoice {
  const m = VOICE_ID.exec(voice);
  if (!m) throw new Error(`invalid espeak voice "${voice}" (expected e.g. en-us+f3@70)`);
  return { name: m[1]!, pitch: m[2] === undefined ? 50 : Number(m[2]) };
}

/** The same four contrasts (variant and pitch) as the English presets, in another espeak language. */
export const espeakPresetsFor = (code: string) => [
  `${code}+f3@70`,
  `${code}@35`,
  `${code}+f4@85`,
  `${code}+m3@50`,
];

/**
 * The espeak language code that speaks a BCP 47 tag: the best of `codes` (the engine's own list,
 * once read), else the tag's primary language, which espeak-ng names most languages by.
 */
export function espeakLanguageFor(language: string, codes: readonly string[] = []): string {
  return bestLanguageMatch(language, codes) ?? language.toLowerCase().split('-')[0]!;
}

/**
 * Explicit host voices first, then unused presets of the language (English: the tuned presets
 * above); more hosts than presets get pitch-shifted repeats. `codes` are the engine's languages.
 */
export function espeakVoicesFor(hosts: Host[], language = 'en', codes: readonly string[] = []): string[] {
  const english = languageMatches(language, 'en');
  const code = english ? 'en-us' : espeakLanguageFor(language, codes);
  const presets = english ? [...ESPEAK_VOICE_PRESETS] : espeakPresetsFor(code);
  const taken = new Set(hosts.flatMap((h) => (h.voice ? [h.voice] : [])));
  const free = presets.filter((v) => !taken.has(v));
  let extra = 0;
  return hosts.map((host) => {
    if (host.voice) {
      parseEspeakVoice(host.voice);
      return host.voice;
    }
    const preset = free.shift();
    if (preset) return preset;
    extra++;
    return `${code}+m${(extra % 7) + 1}@${(20 + extra * 13) % 100}`;
  });
}

/** The languages of `espeak-ng --voices` (columns Pty, Language, Age/Gender, VoiceName, File, …). */
export function parseVoiceTable(table: string): Array<{ language: string; name: string }> {
  return table
    .split('\n')
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
    .filter((cols) => cols.length >= 4 && /^[a-z]{2,3}(-[a-z0-9]{1,8})*$/.test(cols[1]!))
    .map((cols) => ({ language: cols[1]!, name: cols[3]!.replace(/_/g, ' ') }));
}

/**
 * What espeak offers: the presets, then each language's plain voice. Any language with a variant
 * and a pitch (`de+m3@40`) is accepted too, as the pattern says.
 */
export function espeakVoiceList(table: string): VoiceList {
  const languages = parseVoiceTable(table);
  const names = new Map(languages.map((l) => [l.language, l.name]));
  const presets = ESPEAK_VOICE_PRESETS.map((id) => {
    const language = parseEspeakVoice(id).name.split('+')[0]!;
    return { id, name: `${names.get(language) ?? language} (${id})`, languages: [language] };
  });
  const codes = [...names.keys()].sort();
  return {
    engine: 'espeak',
    voices: [...presets, ...codes.map((code) => ({ id: code, name: names.get(code)!, languages: [code] }))],
    languages: codes,
    languagesByVoice: true,
    defaults: [...ESPEAK_VOICE_PRESETS],
    pattern: {
      regex: `^(?:${codes.join('|')})(?:\\+[A-Za-z0-9_]{1,32})?(?:@\\d{1,2})?$`,
      example: 'de+m3@40',
    },
  };
}

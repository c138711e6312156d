import {
  type Host,
  languageMatches,
  readVoiceList,
  readWriterLanguages,
  unknownVoices,
  unspokenLanguage,
  voiceLanguageMismatches,
} from '@podfleet/providers';
import { Router } from 'express';
import { HttpProblem, serviceUnavailable } from '../http/problem';
import type { RouteContext } from './context';

/** Seconds a client waits for an audio worker to start and publish its voices. */
const NO_VOICES_RETRY_AFTER_SEC = 10;

/**
 * GET /v1/voices: the fleet's TTS engine and the voices (and languages) it offers, as the audio
 * workers publish them when they start, with the languages the script writer writes once a
 * scraper worker has published them; 503 before any audio worker has.
 */
export function voicesRouter(ctx: RouteContext): Router {
  const router = Router();
  router.get('/v1/voices', ctx.guards.userOrAdmin, async (_req, res) => {
    const list = await readVoiceList(ctx.redis, ctx.settings.prefix);
    if (!list) {
      throw serviceUnavailable(
        'no audio worker has published its voices yet; try again once one runs',
        NO_VOICES_RETRY_AFTER_SEC,
        'voices-unknown',
      );
    }
    const writer = await readWriterLanguages(ctx.redis, ctx.settings.prefix);
    res.setHeader('Cache-Control', 'private, max-age=60');
    res.json({ ...list, ...(writer ? { writer } : {}) });
  });
  return router;
}

/**
 * 422 when a style asks what the fleet cannot do, naming what it can: a host voice the TTS engine
 * does not offer; a `language` the script writer cannot write or the engine cannot speak; a host
 * voice that speaks only other languages than the `language` named with it (espeak, Kokoro: such
 * a voice would read the script with another language's sounds). A voice and a language are
 * checked together only when one request names both: the stored settings they merge with may
 * name the other. Before the workers have published what they offer nothing is refused here
 * (the stage then fails such a job with the engine's or writer's own message).
 */
export async function checkStyle(
  ctx: Pick<RouteContext, 'redis' | 'settings'>,
  style: { hosts?: readonly Pick<Host, 'voice'>[]; language?: string } | null | undefined,
  path = 'style',
): Promise<void> {
  const hosts = style?.hosts;
  const language = style?.language;
  const voicesChosen = hosts?.some((h) => h.voice !== undefined) ?? false;
  if (!voicesChosen && language === undefined) return;
  const [list, writer] = await Promise.all([
    readVoiceList(ctx.redis, ctx.settings.prefix),
    language === undefined ? null : readWriterLanguages(ctx.redis, ctx.settings.prefix),
  ]);
  const problems: Array<{ path: string; message: string }> = [];
  const details: string[] = [];

  if (list && hosts && voicesChosen) {
    const unknown = unknownVoices(list, hosts);
    if (unknown.length > 0) {
      const shown = list.voices.slice(0, 40).map((v) => v.id);
      const valid = `${shown.join(', ')}${list.voices.length > shown.length ? `, … (${list.voices.length} in all, GET /v1/voices)` : ''}${list.pattern ? `; or like ${list.pattern.example}` : ''}`;
      details.push(
        `unknown voice ${unknown.map((u) => `"${u.voice}"`).join(', ')} for the ${list.engine} engine; valid voices: ${valid}`,
      );
      for (const u of unknown)
        problems.push({
          path: `${path}.hosts.${u.index}.voice`,
          message: `not a voice of the ${list.engine} engine; valid: ${valid}`,
        });
    }
  }
  if (language !== undefined) {
    if (writer?.languages && !writer.languages.some((code) => languageMatches(language, code))) {
      const message = `the ${writer.provider} script writer does not write "${language}"; it writes: ${writer.languages.join(', ')}`;
      details.push(message);
      problems.push({ path: `${path}.language`, message });
    }
    const unspoken = list ? unspokenLanguage(list, language) : null;
    if (unspoken) {
      details.push(unspoken);
      problems.push({ path: `${path}.language`, message: unspoken });
    }
    if (list && hosts && !unspoken) {
      for (const m of voiceLanguageMismatches(list, hosts, language)) {
        const message = `voice "${m.voice}" speaks ${m.languages.join(', ')}, not "${language}"; choose a ${language} voice (GET /v1/voices) or leave voice unset for one`;
        details.push(message);
        problems.push({ path: `${path}.hosts.${m.index}.voice`, message });
      }
    }
  }
  if (problems.length === 0) return;
  throw new HttpProblem(422, { type: 'validation', detail: details.join('; '), errors: problems });
}

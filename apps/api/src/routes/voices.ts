import { type Host, readVoiceList, unknownVoices } from '@podfleet/providers';
import { Router } from 'express';
import { HttpProblem, serviceUnavailable } from '../http/problem';
import type { RouteContext } from './context';

/** Seconds a client waits for an audio worker to start and publish its voices. */
const NO_VOICES_RETRY_AFTER_SEC = 10;

/**
 * GET /v1/voices: the fleet's TTS engine and the voices (and languages) it offers, as the audio
 * workers publish them when they start; 503 before any has.
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
    res.setHeader('Cache-Control', 'private, max-age=60');
    res.json(list);
  });
  return router;
}

/**
 * 422 naming the valid voices when a host's chosen voice is not one the fleet's engine offers.
 * Before any audio worker has published its list nothing is refused here (the audio stage then
 * fails such a job with the engine's own message).
 */
export async function checkHostVoices(
  ctx: Pick<RouteContext, 'redis' | 'settings'>,
  hosts: readonly Pick<Host, 'voice'>[] | undefined,
  path = 'style.hosts',
): Promise<void> {
  if (!hosts?.some((h) => h.voice !== undefined)) return;
  const list = await readVoiceList(ctx.redis, ctx.settings.prefix);
  if (!list) return;
  const unknown = unknownVoices(list, hosts);
  if (unknown.length === 0) return;
  const shown = list.voices.slice(0, 40).map((v) => v.id);
  const valid = `${shown.join(', ')}${list.voices.length > shown.length ? `, … (${list.voices.length} in all, GET /v1/voices)` : ''}${list.pattern ? `; or like ${list.pattern.example}` : ''}`;
  throw new HttpProblem(422, {
    type: 'validation',
    detail: `unknown voice ${unknown.map((u) => `"${u.voice}"`).join(', ')} for the ${list.engine} engine; valid voices: ${valid}`,
    errors: unknown.map((u) => ({
      path: `${path}.${u.index}.voice`,
      message: `not a voice of the ${list.engine} engine; valid: ${valid}`,
    })),
  });
}

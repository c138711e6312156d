import { publishVoiceList, type VoiceStore } from '@podfleet/providers';
import type { TtsEngine } from './types';

/**
 * Tells the API which voices the engine offers (GET /v1/voices, and the check of a host's chosen
 * voice), under the fleet's key prefix. A list that cannot be made leaves the last published one
 * and does not stop the worker.
 */
export async function publishEngineVoices(
  target: { redis: VoiceStore; prefix: string; logger: { warn(obj: object, msg: string): void } },
  engine: TtsEngine,
): Promise<void> {
  if (!engine.listVoices) return;
  try {
    await publishVoiceList(target.redis, target.prefix, await engine.listVoices());
  } catch (err) {
    target.logger.warn({ err, engine: engine.name }, 'could not publish the voice list');
  }
}

import { publishNominalPace, publishVoiceList } from '@podfleet/providers';
import { whenRedisReady } from '@podfleet/queue';
import type { Redis } from 'ioredis';
import type { TtsEngine } from './types';

interface PublishTarget {
  redis: Redis;
  prefix: string;
  logger: { warn(obj: object, msg: string): void };
}

/** What the fleet's pace is learned under: a new engine, server or model starts from its nominal pace. */
export const paceIdentity = (engine: Pick<TtsEngine, 'name' | 'cacheScope'>) =>
  engine.cacheScope ?? engine.name;

/**
 * Tells the API which voices the engine offers (GET /v1/voices, and the check of a host's chosen
 * voice), under the fleet's key prefix. A list that cannot be made leaves the last published one
 * and does not stop the worker.
 */
export async function publishEngineVoices(target: PublishTarget, engine: TtsEngine): Promise<void> {
  if (!engine.listVoices) return;
  try {
    const list = await engine.listVoices();
    await whenRedisReady(target.redis);
    await publishVoiceList(target.redis, target.prefix, list);
  } catch (err) {
    target.logger.warn({ err, engine: engine.name }, 'could not publish the voice list');
  }
}

/**
 * Tells the script writers how fast the engine speaks, so scripts are written to the episode's
 * length: its nominal pace, kept when the same engine's measured pace is already there.
 */
export async function publishEnginePace(target: PublishTarget, engine: TtsEngine): Promise<void> {
  try {
    await whenRedisReady(target.redis);
    await publishNominalPace(target.redis, target.prefix, {
      engine: paceIdentity(engine),
      speed: engine.speed ?? 1,
    });
  } catch (err) {
    target.logger.warn({ err, engine: engine.name }, 'could not publish the speech pace');
  }
}

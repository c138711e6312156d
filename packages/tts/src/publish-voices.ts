import { once } from 'node:events';
import { publishVoiceList } from '@podfleet/providers';
import type { Redis } from 'ioredis';
import type { TtsEngine } from './types';

/** How long publishing waits for the connection, which a worker opens as it starts. */
const CONNECT_WAIT_MS = 30_000;

/**
 * Tells the API which voices the engine offers (GET /v1/voices, and the check of a host's chosen
 * voice), under the fleet's key prefix. A list that cannot be made leaves the last published one
 * and does not stop the worker.
 */
export async function publishEngineVoices(
  target: { redis: Redis; prefix: string; logger: { warn(obj: object, msg: string): void } },
  engine: TtsEngine,
): Promise<void> {
  if (!engine.listVoices) return;
  try {
    const list = await engine.listVoices();
    // Worker connections queue no commands while they connect.
    if (target.redis.status !== 'ready') {
      await once(target.redis, 'ready', { signal: AbortSignal.timeout(CONNECT_WAIT_MS) });
    }
    await publishVoiceList(target.redis, target.prefix, list);
  } catch (err) {
    target.logger.warn({ err, engine: engine.name }, 'could not publish the voice list');
  }
}

import { readVoiceList } from '@podfleet/providers';
import { Redis } from 'ioredis';
import { publishEngineVoices } from './publish-voices';
import type { TtsEngine } from './types';

describe('publishEngineVoices', () => {
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  const prefix = `${process.env.QUEUE_PREFIX ?? 'pftest'}-voices`;
  const warnings: string[] = [];
  const target = { redis, prefix, logger: { warn: (_: object, msg: string) => warnings.push(msg) } };
  const engine = (listVoices?: TtsEngine['listVoices']): TtsEngine => ({
    name: 'openai',
    voicesFor: (hosts) => hosts.map(() => 'nova'),
    synthesize: () => Promise.reject(new Error('not used')),
    close: async () => {},
    ...(listVoices ? { listVoices } : {}),
  });
  afterAll(() => redis.quit());

  it('publishes the engine’s list where the API reads it; a failing list keeps the last one and only warns', async () => {
    const list = {
      engine: 'openai',
      voices: [{ id: 'nova', name: 'nova', languages: [] }],
      languages: [],
      defaults: ['nova'],
    };
    await publishEngineVoices(
      target,
      engine(async () => list),
    );
    expect(await readVoiceList(redis, prefix)).toEqual(list);

    await publishEngineVoices(
      target,
      engine(() => Promise.reject(new Error('server down'))),
    );
    expect(await readVoiceList(redis, prefix)).toEqual(list);
    expect(warnings).toEqual(['could not publish the voice list']);
  });

  it('waits for a worker connection that is still connecting (no offline queue) instead of failing', async () => {
    const connecting = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', {
      lazyConnect: true,
      enableOfflineQueue: false,
    });
    try {
      const list = { engine: 'espeak', voices: [], languages: ['de'], defaults: [] };
      void connecting.connect();
      expect(connecting.status).not.toBe('ready');
      await publishEngineVoices(
        { ...target, redis: connecting, prefix: `${prefix}-connecting` },
        engine(async () => list),
      );
      expect(await readVoiceList(redis, `${prefix}-connecting`)).toEqual(list);
    } finally {
      connecting.disconnect();
    }
  });
});

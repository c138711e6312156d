// The fleet the provider scenarios run (openai-providers, elevenlabs-dialogue): the API and the
// three worker apps as processes on a queue prefix of their own, configured only through their
// environment, with the providers' variables each scenario gives.
import { randomBytes } from 'node:crypto';
import { childEnv } from '@podfleet/config';
import { createPrismaClient, type PrismaClient } from '@podfleet/db';
import { closePipelineContext, createPipelineContext, type PipelineContext } from '@podfleet/pipeline';
import { createStorageDriver } from '@podfleet/providers';
import { createLogger, createRedis } from '@podfleet/queue';
import { makeTempDir } from '@podfleet/test-kit';
import type { Redis } from 'ioredis';
import { Fleet, fleetAppEnv, startFleet } from './fleet';

export interface ProviderFleet {
  fleet: Fleet;
  db: PrismaClient;
  adminKey: string;
  apiUrl: string;
  /** A JSON call to the API with a Bearer key; the body parsed (or `{}`). */
  call(
    method: string,
    path: string,
    key: string,
    body?: unknown,
  ): Promise<{ status: number; body: Record<string, unknown> }>;
  stop(graceMs?: number): Promise<void>;
}

export async function startProviderFleet(
  name: string,
  providerEnv: Record<string, string>,
): Promise<ProviderFleet> {
  const outer = childEnv();
  const prefix = `${outer.QUEUE_PREFIX}-${name}-${randomBytes(3).toString('hex')}`;
  const storageDir = await makeTempDir(`pf-${name}-media-`);
  const cacheDir = await makeTempDir(`pf-${name}-tts-`);
  const db = createPrismaClient(outer.DATABASE_URL!);
  const producer: Redis = createRedis(outer.REDIS_URL!, { role: 'producer', name });
  if (producer.status !== 'ready') await new Promise((resolve) => producer.once('ready', resolve));
  const ctx: PipelineContext = createPipelineContext({
    db,
    redis: producer,
    prefix,
    storage: createStorageDriver({ driver: 'fs', dir: storageDir.dir }),
    logger: createLogger({ app: name, level: 'silent' }),
  });
  const adminKey = `admin-${randomBytes(12).toString('hex')}`;
  const fleet = new Fleet(
    {
      ...fleetAppEnv({
        outer,
        databaseUrl: outer.DATABASE_URL!,
        redisUrl: outer.REDIS_URL!,
        prefix,
        storageDir: storageDir.dir,
        cacheDir: cacheDir.dir,
        adminKey,
      }),
      ...providerEnv,
    },
    ctx.queues,
  );
  const stop = async (graceMs?: number) => {
    await fleet.stopAll(graceMs);
    await closePipelineContext(ctx);
    producer.disconnect();
    await db.$disconnect();
    await Promise.all([storageDir.remove(), cacheDir.remove()]);
  };
  const apiUrl = await startFleet(fleet, stop);
  const call: ProviderFleet['call'] = async (method, path, key, body) => {
    const res = await fetch(`${apiUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${key}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(10_000),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : {}) as Record<string, unknown> };
  };
  return { fleet, db, adminKey, apiUrl, call, stop };
}

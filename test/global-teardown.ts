import { deleteKeysWithPrefix } from '@podfleet/queue';
import { Redis } from 'ioredis';
import { Client } from 'pg';

/** Drops the run's database and deletes every Redis key under its queue prefix. */
export default async function globalTeardown(): Promise<void> {
  const runId = process.env.PODFLEET_TEST_RUN;
  const databaseUrl = process.env.DATABASE_URL;
  const prefix = process.env.QUEUE_PREFIX;
  if (!runId || !databaseUrl || !prefix) return;

  const admin = new URL(databaseUrl);
  const dbName = admin.pathname.slice(1);
  admin.pathname = '/postgres';
  const pg = new Client({ connectionString: admin.toString() });
  await pg.connect();
  try {
    await pg.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
  } finally {
    await pg.end();
  }

  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { lazyConnect: true });
  await redis.connect();
  try {
    await deleteKeysWithPrefix(redis, prefix);
  } finally {
    redis.disconnect();
  }
}

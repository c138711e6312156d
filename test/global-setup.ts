// Runs once per Jest run (one per workspace package): a fresh database and queue prefix so runs
// never see each other's rows or keys. Child processes and Jest workers inherit these variables.
import { randomBytes } from 'node:crypto';
import { defaultMigrationsDir, ensureDatabase, migrate } from '@podfleet/db';

export default async function globalSetup(): Promise<void> {
  const runId = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  const base = new URL(process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/podfleet');
  base.pathname = `/podfleet_test_${runId}`;
  const databaseUrl = base.toString();

  await ensureDatabase(databaseUrl);
  await migrate({ connectionString: databaseUrl, migrationsDir: defaultMigrationsDir });

  process.env.DATABASE_URL = databaseUrl;
  process.env.REDIS_URL ??= 'redis://127.0.0.1:6379';
  process.env.QUEUE_PREFIX = `pftest-${runId}`;
  process.env.NODE_ENV = 'test';
  process.env.LOG_LEVEL ??= 'silent';
  process.env.ALLOW_PRIVATE_SOURCE_URLS = 'true';
  process.env.PODFLEET_TEST_RUN = runId;
}

import { join } from 'node:path';
import { readEnv } from '@podfleet/config';
import { discoverServices, repoRoot } from './environment';
import { appSpec, migrateDatabase, superviseUntilSignal } from './fleet';
import { APPS, Supervisor } from './supervisor';

export interface DemoOptions {
  once: boolean;
  adminKey: string;
  log: (line: string) => void;
}

/** Waits until every app has logged its "ready" line. */
function readyTracker(apps: readonly string[]) {
  const pending = new Set(apps);
  let resolve: () => void = () => {};
  const ready = new Promise<void>((r) => {
    resolve = r;
  });
  return {
    ready,
    onLog(app: string, entry: Record<string, unknown>) {
      if (entry.msg === 'ready' && pending.delete(app) && pending.size === 0) resolve();
    },
  };
}

export async function runDemo({ once, adminKey, log }: DemoOptions): Promise<void> {
  const services = await discoverServices({ startMissing: true, log });
  await migrateDatabase(services.databaseUrl);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...readEnv(),
    DATABASE_URL: services.databaseUrl,
    REDIS_URL: services.redisUrl,
    ADMIN_API_KEY: adminKey,
    STORAGE_DIR: readEnv().STORAGE_DIR ?? join(repoRoot, 'data', 'media'),
    // The demo's sample RSS feed is served by the local API, which the SSRF guard would refuse.
    ALLOW_PRIVATE_SOURCE_URLS: 'true',
    LOG_LEVEL: readEnv().LOG_LEVEL ?? 'warn',
  };
  const tracker = readyTracker(APPS);
  const supervisor = new Supervisor(
    APPS.map((app) => appSpec(app, env)),
    {
      pretty: process.stdout.isTTY,
      onLog: tracker.onLog,
      write: (line) => process.stderr.write(`${line}\n`),
    },
  );
  supervisor.start();
  await tracker.ready;
  log(`fleet is up: ${APPS.join(', ')}`);
  if (once) {
    await supervisor.stop();
    await services.stopAll();
    return;
  }
  await superviseUntilSignal(supervisor, services.stopAll);
}

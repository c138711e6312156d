import { join, resolve } from 'node:path';
import { childEnv, readEnv } from '@podfleet/config';
import { createPrismaClient } from '@podfleet/db';
import { generateSampleEpisode, progressRenderer } from './demo-client';
import { demoSigningSecrets } from './demo-secrets';
import { discoverServices, repoRoot, UserFacingError } from './environment';
import { appSpec, migrateDatabase, superviseUntilSignal } from './fleet';
import { freePort, isPortFree } from './services';
import { APPS, Supervisor } from './supervisor';

export interface DemoOptions {
  once: boolean;
  adminKey: string;
  log: (line: string) => void;
}

/** Resolves when every app has logged its "ready" line; rejects if one gives up first. */
function readyTracker(apps: readonly string[]) {
  const pending = new Set(apps);
  let resolveReady: () => void = () => {};
  const ready = new Promise<void>((r) => {
    resolveReady = r;
  });
  return {
    ready,
    onLog(app: string, entry: Record<string, unknown>) {
      if (entry.msg === 'ready' && pending.delete(app) && pending.size === 0) resolveReady();
    },
  };
}

const DEMO_MINUTES = 3;

export async function runDemo({ once, adminKey, log }: DemoOptions): Promise<void> {
  const fileEnv = readEnv();
  const services = await discoverServices({ startMissing: true, log });
  await migrateDatabase(services.databaseUrl);
  const wantedPort = Number(fileEnv.PORT ?? 3000);
  const port = (await isPortFree(wantedPort)) ? wantedPort : await freePort();
  if (port !== wantedPort) log(`port ${wantedPort} is busy; the API uses ${port}`);
  const baseUrl = fileEnv.PUBLIC_BASE_URL ?? `http://localhost:${port}`;
  const storageDir = resolve(repoRoot, fileEnv.STORAGE_DIR ?? join('data', 'media'));
  const env: NodeJS.ProcessEnv = {
    ...childEnv(),
    ...fileEnv,
    DATABASE_URL: services.databaseUrl,
    REDIS_URL: services.redisUrl,
    ADMIN_API_KEY: adminKey,
    // What the API and the uploader sign with, kept across demo runs with the data they sign for.
    ...demoSigningSecrets(fileEnv, join(repoRoot, 'data', 'demo-secrets.env')),
    PORT: String(port),
    PUBLIC_BASE_URL: baseUrl,
    STORAGE_DRIVER: 'fs',
    STORAGE_DIR: storageDir,
    TTS_CACHE_DIR: resolve(repoRoot, fileEnv.TTS_CACHE_DIR ?? join('data', 'tts-cache')),
    // The demo's sample RSS feed is served by the local API, which the SSRF guard would refuse.
    ALLOW_PRIVATE_SOURCE_URLS: 'true',
    // Apps log at info so the demo sees their "ready" lines; it shows warnings and errors only.
    LOG_LEVEL: fileEnv.LOG_LEVEL ?? 'info',
  };
  const tracker = readyTracker(APPS);
  const supervisor = new Supervisor(
    APPS.map((app) => appSpec(app, env)),
    {
      pretty: process.stderr.isTTY,
      onLog: tracker.onLog,
      minLevel: fileEnv.LOG_LEVEL ? 0 : 40,
      write: (line) => process.stderr.write(`${line}\n`),
    },
  );
  const stopEverything = async () => {
    await supervisor.stop();
    await services.stopAll();
  };
  supervisor.start();
  const gaveUp = supervisor.waitForExit().then(() => {
    throw new UserFacingError('the fleet stopped before it was ready; see the logs above');
  });
  gaveUp.catch(() => {}); // only matters while racing the ready signal
  try {
    await Promise.race([tracker.ready, gaveUp]);
    log(`fleet is up: ${APPS.join(', ')} (API at ${baseUrl})`);
    log(`generating a ${DEMO_MINUTES}-minute sample episode from the bundled sources`);
    const episode = await generateSampleEpisode({
      baseUrl,
      adminKey,
      targetMinutes: DEMO_MINUTES,
      progress: progressRenderer(process.stderr),
    });
    const db = createPrismaClient(services.databaseUrl);
    const { audioKey } = await db.episode.findUniqueOrThrow({ where: { id: episode.id } });
    await db.$disconnect();
    log(`episode: "${episode.title}" (${episode.durationSec.toFixed(1)} s)`);
    log(`episode URL: ${baseUrl}/v1/episodes/${episode.id}`);
    log(`audio URL: ${episode.audioUrl}`);
    log(`transcript URL: ${episode.transcriptUrl}`);
    log(
      `web app: ${baseUrl}/ (sign in with the demo listener's key ${episode.listenerKey}, or the admin key)`,
    );
    process.stdout.write(`${join(storageDir, audioKey)}\n`);
  } catch (err) {
    await stopEverything();
    throw err;
  }
  if (once) {
    await stopEverything();
    return;
  }
  log(
    `serving at ${baseUrl} until Ctrl-C: the web app at ${baseUrl}/, the API reference at ${baseUrl}/docs (admin key: ${adminKey})`,
  );
  await superviseUntilSignal(supervisor, services.stopAll);
}

import { constants } from 'node:os';
import { join } from 'node:path';
import { ensureMigrated } from '@podfleet/db';
import { repoRoot, UserFacingError } from './environment';
import type { AppName, AppSpec, Supervisor } from './supervisor';

export const log = (line: string) => process.stdout.write(`podfleet: ${line}\n`);

export async function migrateDatabase(databaseUrl: string): Promise<void> {
  const { created, applied } = await ensureMigrated({ connectionString: databaseUrl });
  if (created) log(`created database ${new URL(databaseUrl).pathname.slice(1)}`);
  log(applied.length > 0 ? `applied migrations: ${applied.join(', ')}` : 'database schema is up to date');
}

/**
 * Workers run below the API's CPU priority: on one host, a fleet working flat out (espeak, the
 * loudness thread, ffmpeg) then takes the cores the API leaves idle, not the API's time, and
 * tickets keep their latency. PostgreSQL and Redis, which both serve, keep theirs too.
 */
export const WORKER_PRIORITY = constants.priority.PRIORITY_BELOW_NORMAL;

/** How the CLI runs an app in development: TypeScript sources through tsx. */
export function appSpec(app: AppName, env: NodeJS.ProcessEnv): AppSpec {
  return {
    name: app,
    command: join(repoRoot, 'node_modules', '.bin', 'tsx'),
    args: [join(repoRoot, 'apps', app, 'src', 'main.ts')],
    cwd: repoRoot,
    env,
    ...(app === 'api' ? {} : { priority: WORKER_PRIORITY }),
  };
}

/** Runs until SIGINT/SIGTERM, then stops every app and the services the CLI started. */
export async function superviseUntilSignal(
  supervisor: Supervisor,
  onStop: () => Promise<void>,
): Promise<void> {
  let stopping = false;
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: stopping (running jobs finish or are handed back)`);
    await supervisor.stop('SIGTERM');
    await onStop();
    log('stopped');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  await supervisor.waitForExit();
  if (!stopping) {
    await onStop();
    throw new UserFacingError('every app exited; see the logs above');
  }
}

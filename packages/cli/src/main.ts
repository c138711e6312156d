import { randomBytes } from 'node:crypto';
import { ConfigError, childEnv, parseConfig, readEnv } from '@podfleet/config';
import { describeAudit, runAudit } from './audit';
import { runDemo } from './demo';
import { discoverServices, repoRoot, UserFacingError } from './environment';
import { appSpec, log, migrateDatabase, superviseUntilSignal } from './fleet';
import { APPS, type AppName, Supervisor } from './supervisor';

function parseApps(args: string[]): AppName[] {
  const names = args.filter((a) => !a.startsWith('-'));
  const unknown = names.filter((n) => !(APPS as readonly string[]).includes(n));
  if (unknown.length > 0) {
    throw new UserFacingError(`unknown app ${unknown.join(', ')}; choose from ${APPS.join(', ')}`);
  }
  return names.length > 0 ? (names as AppName[]) : [...APPS];
}

async function start(args: string[]): Promise<void> {
  const apps = parseApps(args);
  // Every app's configuration, checked once here rather than by crash-looping children.
  for (const app of apps) parseConfig(app, readEnv());
  const services = await discoverServices({ startMissing: false, log });
  await migrateDatabase(services.databaseUrl);
  const env = {
    ...childEnv(),
    ...readEnv(),
    DATABASE_URL: services.databaseUrl,
    REDIS_URL: services.redisUrl,
  };
  const supervisor = new Supervisor(
    apps.map((app) => appSpec(app, env)),
    { pretty: process.stdout.isTTY },
  );
  log(`starting ${apps.join(', ')}`);
  supervisor.start();
  await superviseUntilSignal(supervisor, services.stopAll);
}

async function main(): Promise<void> {
  const [command, ...args] = process.argv.slice(2);
  switch (command) {
    case 'db:migrate': {
      const services = await discoverServices({ startMissing: false, log });
      await migrateDatabase(services.databaseUrl);
      await services.stopAll();
      return;
    }
    case 'start':
      return start(args);
    case 'demo':
      return runDemo({
        once: args.includes('--once'),
        log,
        adminKey: readEnv().ADMIN_API_KEY ?? `demo-${randomBytes(16).toString('hex')}`,
      });
    case 'audit': {
      const { lines, status } = describeAudit(await runAudit({ root: repoRoot }));
      for (const line of lines) process.stdout.write(`${line}\n`);
      // CI passes --allow-unreachable: a registry without the advisory endpoint is reported, not fatal.
      process.exitCode = status === 3 && args.includes('--allow-unreachable') ? 0 : status;
      return;
    }
    default:
      throw new UserFacingError(
        'usage: podfleet db:migrate | start [app...] | demo [--once] | audit [--allow-unreachable]',
      );
  }
}

main().catch((err: unknown) => {
  if (err instanceof UserFacingError || err instanceof ConfigError) {
    process.stderr.write(`${err.message}\n`);
  } else {
    const detail = err instanceof Error ? (err.stack ?? err.message) : String(err);
    process.stderr.write(`podfleet: unexpected error: ${detail}\n`);
  }
  process.exit(1);
});

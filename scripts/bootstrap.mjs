#!/usr/bin/env node
// Entry point of the root npm scripts. Needs only Node 20 + npm: it fetches the pinned pnpm
// through npx, installs the workspace, generates the Prisma client, then hands over to the
// TypeScript CLI (packages/cli) or to turbo.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pnpmVersion = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).packageManager.split('@')[1];
const [command, ...args] = process.argv.slice(2);

function run(cmd, cmdArgs, env = {}) {
  const result = spawnSync(cmd, cmdArgs, {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1', TURBO_NO_UPDATE_NOTIFIER: '1', ...env },
  });
  if (result.error) {
    console.error(`podfleet: could not run ${cmd}: ${result.error.message}`);
    process.exit(1);
  }
  if (result.status !== 0) process.exit(result.status ?? 1);
}

// `npx -y pnpm@X` answers in ~1 s once cached; with the exact version pnpm never tries to switch.
const pnpm = (pnpmArgs, env) => run('npx', ['-y', `pnpm@${pnpmVersion}`, ...pnpmArgs], env);

function setup() {
  const quiet = ['--reporter=append-only', '--prefer-offline'];
  pnpm(['install', '--frozen-lockfile', ...quiet]);
  pnpm(['--filter', '@podfleet/db', 'run', 'generate']);
}

const cli = (cliArgs) => pnpm(['exec', 'tsx', join('packages', 'cli', 'src', 'main.ts'), ...cliArgs]);

switch (command) {
  case 'test':
    setup();
    pnpm(['exec', 'biome', 'ci', '.']);
    pnpm(['exec', 'turbo', 'run', 'typecheck', 'test', '--concurrency=2', '--output-logs=errors-only', ...args]);
    break;
  case 'start':
  case 'demo':
  case 'db:migrate':
    setup();
    cli([command, ...args]);
    break;
  default:
    console.error('usage: node scripts/bootstrap.mjs test|start|demo|db:migrate [args]');
    process.exit(2);
}

#!/usr/bin/env node
// Entry point of the root npm scripts. Needs only Node 20 + npm: it fetches the pinned pnpm
// through npx, installs the workspace, generates the Prisma client, then hands over to the
// TypeScript CLI (packages/cli) or to turbo.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pnpmVersion = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).packageManager.split('@')[1];
const [command, ...args] = process.argv.slice(2);

/** Runs a command with inherited output; returns its exit status. */
function attempt(cmd, cmdArgs, env = {}) {
  const result = spawnSync(cmd, cmdArgs, {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1', TURBO_NO_UPDATE_NOTIFIER: '1', ...env },
  });
  if (result.error) {
    console.error(`podfleet: could not run ${cmd}: ${result.error.message}`);
    process.exit(1);
  }
  return result.status ?? 1;
}

function run(cmd, cmdArgs, env = {}) {
  const status = attempt(cmd, cmdArgs, env);
  if (status !== 0) process.exit(status);
}

// `npx -y pnpm@X` answers in ~1 s once cached; with the exact version pnpm never tries to switch.
const pnpm = (pnpmArgs, env) => run('npx', ['-y', `pnpm@${pnpmVersion}`, ...pnpmArgs], env);

function setup() {
  const quiet = ['--reporter=append-only', '--prefer-offline'];
  pnpm(['install', '--frozen-lockfile', ...quiet]);
  pnpm(['--filter', '@podfleet/db', 'run', 'generate']);
  // The web app the API serves at / (about a second with esbuild), over its API client types,
  // which are generated from the API's OpenAPI document rather than kept in the tree.
  pnpm(['--filter', '@podfleet/web', 'run', 'generate']);
  pnpm(['--filter', '@podfleet/web', 'run', 'build']);
}

const cli = (cliArgs) => pnpm(['exec', 'tsx', join('packages', 'cli', 'src', 'main.ts'), ...cliArgs]);

/** Adds up the per-package Jest totals and prints one closing line. */
function summarise(dir) {
  const totals = { passed: 0, failed: 0, pending: 0 };
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.json')) : [];
  for (const file of files) {
    const counts = JSON.parse(readFileSync(join(dir, file), 'utf8'));
    for (const key of Object.keys(totals)) totals[key] += counts[key];
  }
  console.log(`\n${files.length} test packages`);
  console.log(
    `tests: ${totals.passed} passed, ${totals.failed} failed${totals.pending ? `, ${totals.pending} skipped` : ''}`,
  );
  return totals;
}

function runTests() {
  setup();
  const summaryDir = mkdtempSync(join(tmpdir(), 'podfleet-test-summary-'));
  const env = { PODFLEET_TEST_SUMMARY_DIR: summaryDir };
  // Tests first (their output is what a failing run needs), then lint; both must pass.
  const tests = attempt(
    'npx',
    [
      '-y',
      `pnpm@${pnpmVersion}`,
      'exec',
      'turbo',
      'run',
      'typecheck',
      'test',
      '--concurrency=2',
      '--continue',
      '--output-logs=errors-only',
      ...args,
    ],
    env,
  );
  const lint = attempt('npx', ['-y', `pnpm@${pnpmVersion}`, 'exec', 'biome', 'ci', '--colors=off', '.']);
  console.log(`\n${containersNotice()}`);
  const totals = summarise(summaryDir);
  rmSync(summaryDir, { recursive: true, force: true });
  process.exit(tests === 0 && lint === 0 && totals.failed === 0 ? 0 : 1);
}

/** Why a Docker engine cannot be used here, or null when `docker info` answers. */
function dockerUnavailable() {
  const info = spawnSync('docker', ['info', '--format', '{{.ServerVersion}}'], {
    encoding: 'utf8',
    timeout: 20_000,
  });
  if (info.error) return `docker: ${info.error.message}`;
  if (info.status !== 0 || !info.stdout.trim())
    return (info.stderr || 'docker info failed').trim().split('\n')[0];
  return null;
}

// npm test runs processes only; the container suite builds images and a compose fleet (minutes),
// so it is its own command, which CI (.ci/run) runs after this one.
function containersNotice() {
  const unavailable = dockerUnavailable();
  return unavailable
    ? `containers: NOT RUN, no Docker engine answers here (${unavailable}); \`npm run test:containers\` needs one (.ci/run starts it)`
    : 'containers: not part of npm test; `npm run test:containers` runs them (a Docker engine answers here)';
}

function runContainerSuite() {
  const unavailable = dockerUnavailable();
  if (unavailable) {
    console.error(`containers: NOT RUN, no Docker engine answers here (${unavailable})`);
    console.error(
      'Install and start one (docs/containers.md): the suite builds images and runs the compose fleet.',
    );
    process.exit(1);
  }
  setup();
  pnpm(['--filter', '@podfleet/container-suite', 'run', 'test:containers', ...args]);
}

switch (command) {
  case 'test':
    runTests();
    break;
  case 'test:containers':
    runContainerSuite();
    break;
  case 'start':
  case 'demo':
  case 'db:migrate':
  case 'audit':
    setup();
    cli([command, ...args]);
    break;
  default:
    console.error(
      'usage: node scripts/bootstrap.mjs test|test:containers|start|demo|db:migrate|audit [args]',
    );
    process.exit(2);
}

// Runs the Prisma 6.19 CLI (wasm schema engine, works offline) against a copy of
// prisma/schema.prisma that Prisma 6 accepts: Prisma 7 keeps the database URL out of the schema,
// Prisma 6 wants it in. Usage: node scripts/prisma6.mjs <prisma args…>
//   e.g. node scripts/prisma6.mjs migrate diff --from-migrations ../../prisma/migrations \
//          --to-schema-datamodel ../../prisma/schema.migrate.prisma --script --exit-code
// Also importable: deriveMigrateSchema(), runPrisma6().
import { spawnSync } from 'node:child_process';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const repoRoot = resolve(packageDir, '../..');
export const schemaPath = join(repoRoot, 'prisma/schema.prisma');
export const migrateSchemaPath = join(repoRoot, 'prisma/schema.migrate.prisma');
export const migrationsDir = join(repoRoot, 'prisma/migrations');
const cli = createRequire(join(packageDir, 'package.json')).resolve('prisma6/build/index.js');
const preload = join(packageDir, 'scripts/unref-engine-timers.cjs');

/** Writes the Prisma 6 flavour of the schema (datasource url from env, client engine) to `to`. */
export function deriveMigrateSchema(to = migrateSchemaPath) {
  const source = readFileSync(schemaPath, 'utf8');
  const derived = source
    .replace(/^datasource db \{$/m, 'datasource db {\n  url = env("DATABASE_URL")')
    .replace(/^generator client \{$/m, 'generator client {\n  engineType = "client"');
  if (derived === source)
    throw new Error(`unexpected shape of ${schemaPath}: datasource/generator blocks not found`);
  // Write-then-rename: a CLI run started by another process never reads a half-written file.
  const partial = `${to}.${process.pid}.tmp`;
  writeFileSync(
    partial,
    `// Generated from schema.prisma by packages/db/scripts/prisma6.mjs: do not edit.\n${derived}`,
  );
  renameSync(partial, to);
  return to;
}

/**
 * Environment for commands that only diff (no real database involved): point the CLI at the
 * server's maintenance database, so they work before the app database exists.
 */
export function maintenanceEnv() {
  const url = new URL(process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/podfleet');
  url.pathname = '/postgres';
  return { DATABASE_URL: url.toString() };
}

/** Runs the Prisma 6 CLI synchronously from packages/db; returns {status, stdout, stderr}. */
export function runPrisma6(args, { capture = false, env = {} } = {}) {
  const result = spawnSync(
    process.execPath,
    ['--require', preload, cli, ...args, '--config', 'prisma6.config.ts'],
    {
      cwd: packageDir,
      encoding: 'utf8',
      stdio: capture ? 'pipe' : 'inherit',
      env: {
        ...process.env,
        PRISMA_HIDE_UPDATE_MESSAGE: '1',
        CHECKPOINT_DISABLE: '1',
        PRISMA_TELEMETRY_DISABLED: '1',
        PRISMA_QUERY_ENGINE_LIBRARY: '/bin/false',
        ...env,
      },
    },
  );
  if (result.error) throw result.error;
  return { status: result.status ?? 1, stdout: result.stdout ?? '', stderr: result.stderr ?? '' };
}

/** `migrate diff` between files and migrations needs a server (shadow db) but no app database. */
function diffOnly(args) {
  return (
    args[0] === 'migrate' &&
    args[1] === 'diff' &&
    !args.some((a) => /^--(from|to)-(url|config-datasource)/.test(a))
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  deriveMigrateSchema();
  process.exit(runPrisma6(args, { env: diffOnly(args) ? maintenanceEnv() : {} }).status);
}

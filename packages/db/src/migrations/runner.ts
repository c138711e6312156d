// Applies prisma/migrations to a PostgreSQL database, keeping Prisma's own bookkeeping table
// (_prisma_migrations) exactly as `prisma migrate deploy` would, so either tool can take over.
// Depends only on `pg` and node built-ins: the root Jest global setup and `npm run db:migrate`
// load it before any generated Prisma code exists.
import { createHash, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { Client } from 'pg';

/**
 * The advisory lock key `prisma migrate` itself takes, so this runner and the Prisma CLI also
 * exclude each other.
 */
const MIGRATION_LOCK_KEY = 72707369;

/** A migration folder name as Prisma writes it: 14-digit UTC timestamp, underscore, name. */
const MIGRATION_DIR_PATTERN = /^\d{14}_[A-Za-z0-9_-]+$/;

/**
 * The repository's prisma/migrations: the nearest one walking up from this file, so it is found
 * both from source (packages/db/src/migrations) and from an app bundle that keeps the repository
 * layout (apps/<app>/dist); falls back to the source-tree location.
 */
export const defaultMigrationsDir: string = findMigrationsDir(__dirname);

function findMigrationsDir(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    const candidate = join(dir, 'prisma', 'migrations');
    if (existsSync(join(candidate, 'migration_lock.toml'))) return candidate;
    if (dirname(dir) === dir) return resolve(__dirname, '../../../../prisma/migrations');
  }
}

export interface MigrateOptions {
  connectionString: string;
  migrationsDir: string;
  log?: (msg: string) => void;
}

export interface MigrateResult {
  /** Names of the migrations this call applied, in order. */
  applied: string[];
  /** How many were already applied before this call. */
  alreadyApplied: number;
}

export interface MigrationFile {
  name: string;
  sql: string;
  checksum: string;
}

interface AppliedRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
}

/** Hex SHA-256 of a migration file's bytes: what Prisma stores in `_prisma_migrations.checksum`. */
export function migrationChecksum(contents: string | Buffer): string {
  return createHash('sha256').update(contents).digest('hex');
}

/** The migrations on disk, in name (= time) order. */
export async function readMigrations(migrationsDir: string): Promise<MigrationFile[]> {
  const entries = await readdir(migrationsDir, { withFileTypes: true });
  const names = entries
    .filter((e) => e.isDirectory() && MIGRATION_DIR_PATTERN.test(e.name))
    .map((e) => e.name)
    .sort();
  return Promise.all(
    names.map(async (name) => {
      const bytes = await readFile(join(migrationsDir, name, 'migration.sql'));
      return { name, sql: bytes.toString('utf8'), checksum: migrationChecksum(bytes) };
    }),
  );
}

/**
 * Creates the database named in `connectionString` when it does not exist, by connecting to the
 * same server's maintenance database. Safe when several processes do it at once.
 */
export async function ensureDatabase(connectionString: string): Promise<{ created: boolean }> {
  const target = new URL(connectionString);
  const database = decodeURIComponent(target.pathname.slice(1));
  if (!database) throw new Error('ensureDatabase: the connection string names no database');

  const client = await connectToMaintenanceDb(target);
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (rowCount) return { created: false };
    try {
      await client.query(`CREATE DATABASE ${quoteIdent(database)}`);
      return { created: true };
    } catch (err) {
      // Lost a race with another process creating it: 42P04 duplicate_database, or 23505 when
      // both inserts reach pg_database's unique index together.
      if (isPgError(err, '42P04') || isPgError(err, '23505')) return { created: false };
      throw err;
    }
  } finally {
    await client.end();
  }
}

/**
 * Creates the database when it is missing, then applies its pending migrations (the repository's
 * unless `migrationsDir` names others): what every fresh database here needs before use.
 */
export async function ensureMigrated({
  connectionString,
  migrationsDir = defaultMigrationsDir,
  log,
}: Omit<MigrateOptions, 'migrationsDir'> & { migrationsDir?: string }): Promise<
  { created: boolean } & MigrateResult
> {
  const { created } = await ensureDatabase(connectionString);
  return { created, ...(await migrate({ connectionString, migrationsDir, ...(log ? { log } : {}) })) };
}

async function connectToMaintenanceDb(target: URL): Promise<Client> {
  let lastError: unknown;
  for (const maintenance of ['postgres', 'template1']) {
    const url = new URL(target);
    url.pathname = `/${maintenance}`;
    const client = new Client({ connectionString: url.toString() });
    try {
      await client.connect();
      return client;
    } catch (err) {
      lastError = err;
      await client.end().catch(() => {});
      if (!isPgError(err, '3D000')) break; // only "database does not exist" is worth a fallback
    }
  }
  throw lastError;
}

/**
 * Applies pending migrations in name order, each in its own transaction, under Prisma's advisory
 * lock (concurrent callers wait, then find nothing left to do). Refuses to start, naming the
 * migration, when the database and the files disagree: an applied migration edited or missing on
 * disk, or a failed Prisma migration awaiting `prisma migrate resolve`.
 */
export async function migrate({
  connectionString,
  migrationsDir,
  log,
}: MigrateOptions): Promise<MigrateResult> {
  const migrations = await readMigrations(migrationsDir);
  const client = new Client({ connectionString });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      await client.query(CREATE_MIGRATIONS_TABLE);
      const { rows } = await client.query<AppliedRow>(
        `SELECT migration_name, checksum, finished_at FROM _prisma_migrations
          WHERE rolled_back_at IS NULL ORDER BY started_at`,
      );
      const applied = checkAppliedAgainstDisk(rows, migrations, migrationsDir);
      const pending = migrations.filter((m) => !applied.has(m.name));

      for (const migration of pending) {
        const started = Date.now();
        await applyOne(client, migration);
        log?.(`applied migration ${migration.name} (${Date.now() - started} ms)`);
      }
      return { applied: pending.map((m) => m.name), alreadyApplied: applied.size };
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    await client.end();
  }
}

/** The names of applied migrations, after checking each against its file. */
function checkAppliedAgainstDisk(rows: AppliedRow[], onDisk: MigrationFile[], dir: string): Set<string> {
  const byName = new Map(onDisk.map((m) => [m.name, m]));
  const applied = new Set<string>();
  for (const row of rows) {
    if (row.finished_at === null) {
      throw new Error(
        `migration ${row.migration_name} failed earlier and is marked unfinished in _prisma_migrations; ` +
          'fix the database, then mark it with `prisma migrate resolve --applied|--rolled-back`',
      );
    }
    const file = byName.get(row.migration_name);
    if (!file) {
      throw new Error(
        `migration ${row.migration_name} is applied to the database but missing from ${dir}; ` +
          'refusing to migrate a database that is ahead of, or diverged from, this code',
      );
    }
    if (file.checksum !== row.checksum) {
      throw new Error(
        `migration ${row.migration_name} was modified after it was applied ` +
          `(checksum in database ${row.checksum}, on disk ${file.checksum}); ` +
          'restore the original file and put the change in a new migration',
      );
    }
    applied.add(row.migration_name);
  }
  return applied;
}

async function applyOne(client: Client, migration: MigrationFile): Promise<void> {
  await client.query('BEGIN');
  try {
    const startedAt = new Date();
    // Simple-query protocol: the file may hold many statements.
    await client.query(migration.sql);
    await client.query(
      `INSERT INTO _prisma_migrations
         (id, checksum, finished_at, migration_name, logs, rolled_back_at, started_at, applied_steps_count)
       VALUES ($1, $2, now(), $3, NULL, NULL, $4, 1)`,
      [randomUUID(), migration.checksum, migration.name, startedAt],
    );
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw new Error(`migration ${migration.name} failed and was rolled back: ${(err as Error).message}`, {
      cause: err,
    });
  }
}

// The table as `prisma migrate` creates it.
const CREATE_MIGRATIONS_TABLE = `
CREATE TABLE IF NOT EXISTS _prisma_migrations (
  id                  VARCHAR(36) PRIMARY KEY NOT NULL,
  checksum            VARCHAR(64) NOT NULL,
  finished_at         TIMESTAMPTZ,
  migration_name      VARCHAR(255) NOT NULL,
  logs                TEXT,
  rolled_back_at      TIMESTAMPTZ,
  started_at          TIMESTAMPTZ NOT NULL DEFAULT now(),
  applied_steps_count INTEGER NOT NULL DEFAULT 0
)`;

function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

function isPgError(err: unknown, code: string): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === code;
}

// Test support private to this package: throwaway databases on the test server.
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { defaultMigrationsDir, ensureDatabase, migrate } from '../src/migrations/runner';

/** A URL for a new, not yet created database on the same server as `baseUrl`. */
export function scratchDatabaseUrl(baseUrl: string, label: string): string {
  const url = new URL(baseUrl);
  url.pathname = `/pfdb_${label}_${randomBytes(5).toString('hex')}`;
  return url.toString();
}

/** Drops the database in `url` (and any sessions still on it). */
export async function dropDatabase(url: string): Promise<void> {
  const admin = new URL(url);
  const name = decodeURIComponent(admin.pathname.slice(1));
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${name.replaceAll('"', '""')}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

/** A new database with every migration applied, for tests that need an empty, private one. */
export async function migratedScratchDatabase(baseUrl: string, label: string): Promise<string> {
  const url = scratchDatabaseUrl(baseUrl, label);
  await ensureDatabase(url);
  await migrate({ connectionString: url, migrationsDir: defaultMigrationsDir });
  return url;
}

/** Runs one query on a short-lived connection. */
export async function query<T extends Record<string, unknown>>(
  url: string,
  sql: string,
  params: unknown[] = [],
): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

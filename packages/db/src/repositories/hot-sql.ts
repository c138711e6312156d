// The statements on the ticket path (POST /v1/episodes) run on the client's node-postgres pool
// as named, prepared statements instead of through Prisma's raw-query layer: measured on the
// 2-core machine, a $queryRaw costs 0.3-0.6 ms of CPU against 0.15 ms here, and a prepared
// statement also skips PostgreSQL's parse and plan (0.42 -> 0.27 ms a round trip). Rows come back
// with node-postgres' own types: timestamptz as Date, jsonb parsed, int8 as string.
import type pg from 'pg';
import { hotDriverOf } from '../client';
import { Prisma, type PrismaClient } from '../generated/prisma/client';

/** A statement prepared once per connection under `name`; its text must never change. */
export interface HotStatement {
  readonly name: string;
  readonly text: string;
}

/**
 * Runs `statement` with `values` on the client's pool, prepared unless DATABASE_URL says
 * `pgbouncer=true`; the rows as PostgreSQL returned them.
 */
export async function runHot<Row extends pg.QueryResultRow>(
  db: PrismaClient,
  statement: HotStatement,
  values: readonly unknown[],
): Promise<Row[]> {
  const { pool, prepare } = hotDriverOf(db);
  const query = { text: statement.text, values: [...values] };
  try {
    const result = await pool.query<Row>(prepare ? { ...query, name: statement.name } : query);
    return result.rows;
  } catch (err) {
    throw DATABASE_SOCKET_FAILURES.has((err as { code?: unknown }).code as string)
      ? new DatabaseUnreachableError(err as Error)
      : err;
  }
}

/**
 * Socket error codes that mean the database server could not be reached (node-postgres passes
 * them on as they are; Prisma's adapter maps only some of them). The API reads them the same way.
 */
export const DATABASE_SOCKET_FAILURES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * PostgreSQL could not be reached by a hot statement. It carries Prisma's code for the same
 * failure (P1001), so the API (503) and the workers (retry) treat both alike, while a bare
 * ECONNREFUSED from elsewhere (a provider) never reads as a database outage.
 */
export class DatabaseUnreachableError extends Error {
  readonly code = 'P1001';
  constructor(cause: Error) {
    super(`Can't reach database server: ${cause.message}`, { cause });
    this.name = 'DatabaseUnreachableError';
  }
}

/** `userId` -> `user_id`: the schema maps every field to its snake_case column. */
const columnOf = (field: string) => field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/**
 * A select list that yields a model's Prisma shape (the column types match what Prisma returns):
 * every field of `fields` (a Prisma `…ScalarFieldEnum`) as `column AS "field"`, read from
 * `source` (a table alias, or a row value such as `(s.job)` a function returned), the output
 * names prefixed with `as` (to tell two models in one row apart). It stays the same when the table
 * gains a column, where a prepared `SELECT *` would fail with "cached plan must not change result
 * type" until the connection is replaced.
 */
export function modelColumns(
  fields: Record<string, string>,
  { source, as = '' }: { source?: string; as?: string } = {},
): string {
  return Object.values(fields)
    .map((field) => `${source ? `${source}.` : ''}"${columnOf(field)}" AS "${as}${field}"`)
    .join(', ');
}

/** Every Job field (see modelColumns). */
export const JOB_COLUMNS = modelColumns(Prisma.JobScalarFieldEnum);

/** The fields of `row` whose names start with `as`, without it: one model of a row modelColumns built. */
export function modelFrom<T>(row: Record<string, unknown>, as: string): T {
  return Object.fromEntries(
    Object.entries(row).flatMap(([key, value]) =>
      key.startsWith(as) ? [[key.slice(as.length), value]] : [],
    ),
  ) as T;
}

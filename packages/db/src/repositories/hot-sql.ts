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
 * Every Job field as `column AS "field"`: a select list that yields Prisma's Job shape (the column
 * types match what Prisma returns) and stays the same when the table gains a column (a prepared
 * `SELECT *` would then fail with "cached plan must not change result type" until the connection
 * is replaced).
 */
export const JOB_COLUMNS = Object.values(Prisma.JobScalarFieldEnum)
  .map((field) => `"${columnOf(field)}" AS "${field}"`)
  .join(', ');

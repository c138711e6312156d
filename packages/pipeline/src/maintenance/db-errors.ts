// PostgreSQL being briefly unreachable is not the job's fault: a stage whose database writes
// fail for that reason must be retried (and, past its attempts, re-enqueued by the reconciler),
// never failed for good. This module tells such errors apart from real ones.

/** Prisma codes that mean "could not talk to the database", not "the query was wrong". */
const PRISMA_CONNECTION_CODES = new Set([
  'P1001', // can't reach database server
  'P1002', // database server reached but timed out
  'P1008', // operations timed out
  'P1017', // server closed the connection
  'P2024', // timed out fetching a connection from the pool
  'P2028', // transaction API error (the connection under an interactive transaction went away)
]);

/** Driver-adapter error kinds (Prisma 7 `meta.driverAdapterError.cause.kind`) that are connectivity. */
const ADAPTER_CONNECTION_KINDS = new Set([
  'DatabaseNotReachable',
  'ConnectionClosed',
  'SocketTimeout',
  'TooManyConnections',
  'TransactionAlreadyClosed',
]);

/**
 * SQLSTATEs: class 08 (connection exception), 57P01-57P03 (admin/crash shutdown, cannot connect
 * now: a restarting server), 53300 (too many connections).
 */
const TRANSIENT_SQLSTATE = /^(08[0-9A-Z]{3}|57P0[123]|53300)$/;

/**
 * Messages node-postgres and Prisma use when the connection, not the query, failed. A connection
 * cut under a pooled client surfaces as a plain `Error("Connection terminated unexpectedly")`,
 * without a code, so the message is all there is. (Bare socket codes such as ECONNREFUSED are not
 * matched: Prisma wraps the database's as P1001, and a provider's must not read as a database outage.)
 */
const CONNECTION_MESSAGE =
  /Can't reach database server|Connection terminated (unexpectedly|due to connection timeout)|terminating connection due to|timeout exceeded when trying to connect|the database system is (starting up|shutting down|in recovery mode)|Server has closed the connection|Client has encountered a connection error/i;

function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}

function isTransientOne(err: unknown): boolean {
  const code = field(err, 'code');
  if (typeof code === 'string') {
    if (PRISMA_CONNECTION_CODES.has(code) || TRANSIENT_SQLSTATE.test(code)) return true;
  }
  const cause = field(field(field(err, 'meta'), 'driverAdapterError'), 'cause');
  const kind = field(cause, 'kind');
  if (typeof kind === 'string' && ADAPTER_CONNECTION_KINDS.has(kind)) return true;
  const sqlState = field(cause, 'originalCode') ?? field(cause, 'code');
  if (typeof sqlState === 'string' && TRANSIENT_SQLSTATE.test(sqlState)) return true;
  const message = field(err, 'message');
  return typeof message === 'string' && CONNECTION_MESSAGE.test(message);
}

/**
 * True when `err` (or an error in its `cause` chain) says the database could not be reached or
 * dropped the connection: Prisma P1001/P1017/…, driver-adapter kinds like DatabaseNotReachable,
 * SQLSTATE 08xxx/57P0x, node-postgres' "Connection terminated unexpectedly". Constraint violations, bad queries and
 * everything else are false.
 */
export function isTransientDbError(err: unknown): boolean {
  let current: unknown = err;
  for (let depth = 0; depth < 5 && current !== undefined && current !== null; depth++) {
    if (isTransientOne(current)) return true;
    current = field(current, 'cause');
  }
  return false;
}

/** A stage failed because PostgreSQL was unavailable: retryable, never the job's final verdict. */
export class DbUnavailableError extends Error {
  readonly code = 'DB_UNAVAILABLE';
  readonly retryable = true;
  constructor(cause: unknown) {
    const detail = cause instanceof Error ? cause.message.trim().split('\n').at(-1) : String(cause);
    super(`database unavailable: ${detail}`, { cause });
    this.name = 'DbUnavailableError';
  }
}

/**
 * What a stage should report for `err`: a DbUnavailableError for a transient database error,
 * `err` itself otherwise. Errors already classified (DB_UNAVAILABLE, UnrecoverableError) are kept.
 */
export function asStageFailure(err: unknown): unknown {
  if (field(err, 'code') === 'DB_UNAVAILABLE' || field(err, 'name') === 'UnrecoverableError') return err;
  return isTransientDbError(err) ? new DbUnavailableError(err) : err;
}

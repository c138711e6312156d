import pg from 'pg';
import { Prisma } from './generated/prisma/client';

/** Names of the unique constraints callers react to (Prisma's naming: table_columns_key). */
export const UNIQUE_CONSTRAINTS = {
  userEmail: 'users_email_key',
  userFeedToken: 'users_feed_token_key',
  jobIdempotencyKey: 'jobs_user_id_idempotency_key_key',
  episodeJob: 'episodes_job_id_key',
  sourceDocumentHash: 'source_documents_content_hash_key',
} as const;

/**
 * True for a unique-constraint violation, e.g. a second job with the same idempotency key; with
 * `constraint`, only when that constraint (see UNIQUE_CONSTRAINTS) was hit. Model queries report
 * it as P2002, raw queries as P2010 with the driver's kind, hot statements (submitJob) as
 * node-postgres' DatabaseError with SQLSTATE 23505.
 */
export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  if (err instanceof pg.DatabaseError) {
    return err.code === '23505' && (constraint === undefined || err.constraint === constraint);
  }
  if (!(err instanceof Prisma.PrismaClientKnownRequestError)) return false;
  const cause = driverErrorCause(err);
  const unique =
    err.code === 'P2002' || (err.code === 'P2010' && cause?.kind === 'UniqueConstraintViolation');
  if (!unique) return false;
  const index = cause?.constraint?.index;
  return constraint === undefined || (typeof index === 'string' && index === constraint);
}

// With the pg driver adapter the details (kind, constraint name) arrive under meta.driverAdapterError.
function driverErrorCause(
  err: Prisma.PrismaClientKnownRequestError,
): { kind?: unknown; constraint?: { index?: unknown } } | undefined {
  const meta = err.meta as
    | { driverAdapterError?: { cause?: { kind?: unknown; constraint?: { index?: unknown } } } }
    | undefined;
  return meta?.driverAdapterError?.cause;
}

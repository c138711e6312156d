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
 * True for a unique-constraint violation (Prisma P2002), e.g. a second job with the same
 * idempotency key; with `constraint`, only when that constraint (see UNIQUE_CONSTRAINTS) was hit.
 */
export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  if (!(err instanceof Prisma.PrismaClientKnownRequestError) || err.code !== 'P2002') return false;
  return constraint === undefined || violatedConstraint(err) === constraint;
}

// With the pg driver adapter the constraint name arrives under meta.driverAdapterError.
function violatedConstraint(err: Prisma.PrismaClientKnownRequestError): string | undefined {
  const meta = err.meta as
    | { driverAdapterError?: { cause?: { constraint?: { index?: unknown } } } }
    | undefined;
  const index = meta?.driverAdapterError?.cause?.constraint?.index;
  return typeof index === 'string' ? index : undefined;
}

import { Prisma } from './generated/prisma/client';

/**
 * True for a unique-constraint violation (Prisma P2002), e.g. a second job with the same
 * idempotency key. `fields`, when given, must all be among the violated columns/fields.
 */
export function isUniqueViolation(err: unknown, fields?: readonly string[]): boolean {
  if (!(err instanceof Prisma.PrismaClientKnownRequestError) || err.code !== 'P2002') return false;
  if (!fields) return true;
  const target = uniqueTarget(err);
  return fields.every((f) => target.includes(f));
}

function uniqueTarget(err: Prisma.PrismaClientKnownRequestError): string[] {
  const meta = err.meta as { target?: unknown; driverAdapterError?: { cause?: { constraint?: { fields?: unknown } } } } | undefined;
  if (Array.isArray(meta?.target)) return meta.target.map(String);
  const fields = meta?.driverAdapterError?.cause?.constraint?.fields;
  return Array.isArray(fields) ? fields.map(String) : [];
}

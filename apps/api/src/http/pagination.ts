import { z } from 'zod';
import { HttpProblem } from './problem';

/**
 * Keyset pagination on (createdAt, id), newest first: stable while rows are added, and cheap on
 * the (user_id, created_at DESC) indexes. The cursor is the last row's key, opaque to clients.
 */
export interface CursorKey {
  createdAt: Date;
  id: string;
}

const cursorSchema = z.tuple([z.iso.datetime(), z.string().min(1).max(64)]);

export function encodeCursor(row: CursorKey): string {
  return Buffer.from(JSON.stringify([row.createdAt.toISOString(), row.id])).toString('base64url');
}

export function decodeCursor(cursor: string): CursorKey {
  try {
    const [createdAt, id] = cursorSchema.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
    return { createdAt: new Date(createdAt), id };
  } catch {
    throw new HttpProblem(400, {
      type: 'validation',
      detail: 'cursor is not valid',
      errors: [{ path: 'cursor', message: 'not a cursor returned by this API' }],
    });
  }
}

export const pageQuerySchema = z.object({
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

/** Prisma `where` fragment for the rows after `cursor` in (createdAt DESC, id DESC) order. */
function afterCursor(cursor: string | undefined): object {
  if (!cursor) return {};
  const key = decodeCursor(cursor);
  return {
    OR: [{ createdAt: { lt: key.createdAt } }, { createdAt: key.createdAt, id: { lt: key.id } }],
  };
}

export const newestFirst = [{ createdAt: 'desc' as const }, { id: 'desc' as const }];

/**
 * Prisma `findMany` arguments for the page `query` asks for among the rows `where` matches,
 * newest first: one row more than the limit, so that `page` knows whether another follows.
 */
export function pageArgs<Where extends object>(query: { cursor?: string; limit: number }, where: Where) {
  return { where: { ...where, ...afterCursor(query.cursor) }, orderBy: newestFirst, take: query.limit + 1 };
}

/** Splits the `limit + 1` rows fetched into the page and the cursor of the next one. */
export function page<T extends CursorKey>(
  rows: T[],
  limit: number,
): { items: T[]; nextCursor: string | null } {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > limit && last ? encodeCursor(last) : null };
}

import { randomUUID } from 'node:crypto';
import type { DbClient } from './jobs';

/** A fresh feed token, the same kind as the column default (a random UUID, 122 bits). */
export function newFeedToken(): string {
  return randomUUID();
}

/** Replaces the user's feed token, which revokes the old feed URL; returns the new token. */
export async function rotateFeedToken(db: DbClient, userId: string): Promise<string> {
  const feedToken = newFeedToken();
  await db.user.update({ where: { id: userId }, data: { feedToken } });
  return feedToken;
}

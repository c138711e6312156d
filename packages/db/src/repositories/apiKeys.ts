import { createHash, randomBytes } from 'node:crypto';
import type { ApiKey, PrismaClient, User } from '../generated/prisma/client';
import type { DbClient } from './jobs';

/** Characters of a key kept in clear as its `prefix`: "pf_" and 9 more. */
export const API_KEY_PREFIX_LENGTH = 12;

/** Hex SHA-256: how keys are stored and looked up. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/** A new random key (`pf_` + 32 base64url characters, 192 bits) with its prefix and hash. */
export function generateApiKey(): { key: string; prefix: string; hash: string } {
  const key = `pf_${randomBytes(24).toString('base64url')}`;
  return { key, prefix: key.slice(0, API_KEY_PREFIX_LENGTH), hash: hashApiKey(key) };
}

/** Stores a new key for the user; the plain key is returned once and never stored. */
export async function createApiKey(
  db: DbClient,
  userId: string,
  name?: string | null,
): Promise<{ apiKey: ApiKey; key: string }> {
  const { key, prefix, hash } = generateApiKey();
  const apiKey = await db.apiKey.create({ data: { userId, name: name ?? null, prefix, hash } });
  return { apiKey, key };
}

/** The unrevoked key with this hash and its user, or null. */
export async function findActiveKeyByHash(
  db: DbClient,
  hash: string,
): Promise<{ apiKey: ApiKey; user: User } | null> {
  const found = await db.apiKey.findFirst({ where: { hash, revokedAt: null }, include: { user: true } });
  if (!found) return null;
  const { user, ...apiKey } = found;
  return { apiKey, user };
}

/** Revokes one of the user's keys; false when the user has no such active key. */
export async function revokeApiKey(db: PrismaClient, userId: string, keyId: string): Promise<boolean> {
  const { count } = await db.apiKey.updateMany({
    where: { id: keyId, userId, revokedAt: null },
    data: { revokedAt: new Date() },
  });
  return count === 1;
}

import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { ApiKey, PrismaClient, User } from '../generated/prisma/client';
import type { DbClient } from './jobs';

/** Characters of a key kept in clear as its `prefix`: "pf_" and 9 more. */
export const API_KEY_PREFIX_LENGTH = 12;

/** Hex SHA-256: how keys are stored. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/** What a key is found by (its clear prefix) and checked against (its hash). */
export interface ApiKeyLookup {
  prefix: string;
  hash: string;
}

export function apiKeyLookup(key: string): ApiKeyLookup {
  return { prefix: key.slice(0, API_KEY_PREFIX_LENGTH), hash: hashApiKey(key) };
}

/** A new random key (`pf_` + 32 base64url characters, 192 bits) with its prefix and hash. */
export function generateApiKey(): { key: string } & ApiKeyLookup {
  const key = `pf_${randomBytes(24).toString('base64url')}`;
  return { key, ...apiKeyLookup(key) };
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

/**
 * The unrevoked key presented as `lookup`, with its user, or null. It is found by its prefix and
 * its hash then compared in constant time: no query matches on the secret's hash.
 */
export async function findActiveKey(
  db: DbClient,
  lookup: ApiKeyLookup,
): Promise<{ apiKey: ApiKey; user: User } | null> {
  const found = await db.apiKey.findFirst({
    where: { prefix: lookup.prefix, revokedAt: null },
    include: { user: true },
  });
  if (!found || !hashesEqual(found.hash, lookup.hash)) return null;
  const { user, ...apiKey } = found;
  return { apiKey, user };
}

const hashesEqual = (stored: string, presented: string) => {
  const a = Buffer.from(stored, 'hex');
  const b = Buffer.from(presented, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
};

/** Revokes one of the user's keys; false when the user has no such active key. */
export async function revokeApiKey(db: PrismaClient, userId: string, keyId: string): Promise<boolean> {
  const { count } = await db.apiKey.updateMany({
    where: { id: keyId, userId, revokedAt: null },
    data: { revokedAt: new Date() },
  });
  return count === 1;
}

import { createHash } from 'node:crypto';
import { createPrismaClient, type PrismaClient, type User } from '../index';
import {
  apiKeyLookup,
  createApiKey,
  findActiveKey,
  generateApiKey,
  hashApiKey,
  revokeApiKey,
} from './apiKeys';
import { rotateFeedToken } from './users';

let db: PrismaClient;
let user: User;

beforeAll(() => {
  db = createPrismaClient(process.env.DATABASE_URL as string);
});
afterAll(() => db.$disconnect());
beforeEach(async () => {
  user = await db.user.create({ data: { email: `keys-${Date.now()}-${Math.random()}@example.com` } });
});

test('generated keys: pf_ prefix, 12-character display prefix, SHA-256 hash, never repeated', () => {
  const a = generateApiKey();
  const b = generateApiKey();
  expect(a.key).toMatch(/^pf_[A-Za-z0-9_-]{32}$/);
  expect(a.prefix).toBe(a.key.slice(0, 12));
  expect(a.hash).toBe(createHash('sha256').update(a.key).digest('hex'));
  expect(hashApiKey(a.key)).toBe(a.hash);
  expect(b.key).not.toBe(a.key);
});

test('findActiveKey finds the key by prefix and hash, with its user, until revoked; the key itself is not stored', async () => {
  const { apiKey, key } = await createApiKey(db, user.id, 'laptop');
  const stored = await db.apiKey.findUniqueOrThrow({ where: { id: apiKey.id } });
  expect(JSON.stringify(stored)).not.toContain(key);

  const found = await findActiveKey(db, apiKeyLookup(key));
  expect(found?.user.id).toBe(user.id);
  expect(found?.apiKey).toMatchObject({ id: apiKey.id, name: 'laptop', revokedAt: null });
  // The right prefix with another secret after it: found by prefix, refused by the hash.
  const forged = `${key.slice(0, -1)}${key.endsWith('A') ? 'B' : 'A'}`;
  expect(apiKeyLookup(forged).prefix).toBe(apiKey.prefix);
  expect(await findActiveKey(db, apiKeyLookup(forged))).toBeNull();
  expect(await findActiveKey(db, { prefix: apiKey.prefix, hash: 'abc' })).toBeNull(); // malformed hash
  expect(await findActiveKey(db, apiKeyLookup(generateApiKey().key))).toBeNull();

  const other = await db.user.create({ data: { email: `keys-other-${Date.now()}@example.com` } });
  expect(await revokeApiKey(db, other.id, apiKey.id)).toBe(false); // not theirs
  expect(await revokeApiKey(db, user.id, apiKey.id)).toBe(true);
  expect(await revokeApiKey(db, user.id, apiKey.id)).toBe(false); // already revoked
  expect(await findActiveKey(db, apiKeyLookup(key))).toBeNull();
});

test('rotateFeedToken replaces the feed token and bumps the media URL version', async () => {
  const before = await db.user.findUniqueOrThrow({ where: { id: user.id } });
  const token = await rotateFeedToken(db, user.id);
  expect(token).not.toBe(user.feedToken);
  const after = await db.user.findUniqueOrThrow({ where: { id: user.id } });
  expect(after.feedToken).toBe(token);
  expect(after.mediaUrlVersion).toBe(before.mediaUrlVersion + 1);
  expect(await db.user.findUnique({ where: { feedToken: user.feedToken } })).toBeNull();
});

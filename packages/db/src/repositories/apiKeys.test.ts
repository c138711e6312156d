import { createHash } from 'node:crypto';
import { createPrismaClient, type PrismaClient, type User } from '../index';
import { createApiKey, findActiveKeyByHash, generateApiKey, hashApiKey, revokeApiKey } from './apiKeys';
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

test('findActiveKeyByHash finds the key and its user, until revoked; the key itself is not stored', async () => {
  const { apiKey, key } = await createApiKey(db, user.id, 'laptop');
  const stored = await db.apiKey.findUniqueOrThrow({ where: { id: apiKey.id } });
  expect(JSON.stringify(stored)).not.toContain(key);

  const found = await findActiveKeyByHash(db, hashApiKey(key));
  expect(found?.user.id).toBe(user.id);
  expect(found?.apiKey).toMatchObject({ id: apiKey.id, name: 'laptop', revokedAt: null });
  expect(await findActiveKeyByHash(db, hashApiKey(`${key}x`))).toBeNull();

  const other = await db.user.create({ data: { email: `keys-other-${Date.now()}@example.com` } });
  expect(await revokeApiKey(db, other.id, apiKey.id)).toBe(false); // not theirs
  expect(await revokeApiKey(db, user.id, apiKey.id)).toBe(true);
  expect(await revokeApiKey(db, user.id, apiKey.id)).toBe(false); // already revoked
  expect(await findActiveKeyByHash(db, hashApiKey(key))).toBeNull();
});

test('rotateFeedToken replaces the feed token', async () => {
  const token = await rotateFeedToken(db, user.id);
  expect(token).not.toBe(user.feedToken);
  expect((await db.user.findUniqueOrThrow({ where: { id: user.id } })).feedToken).toBe(token);
  expect(await db.user.findUnique({ where: { feedToken: user.feedToken } })).toBeNull();
});

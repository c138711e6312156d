import { createPrismaClient, poolOf } from '../client';
import type { PrismaClient } from '../index';
import { dropDatabase, migratedScratchDatabase, query } from '../testing/databases';
import { submitJob } from './jobs';
import { findRequester } from './users';

// A private database: the test alters the jobs table.
let url: string;
let db: PrismaClient;
beforeAll(async () => {
  url = await migratedScratchDatabase(process.env.DATABASE_URL as string, 'hot');
  db = createPrismaClient(url, { maxConnections: 1 }); // one connection: every call reuses its prepared statements
});
afterAll(async () => {
  await db.$disconnect();
  await dropDatabase(url);
});

const submit = (userId: string) =>
  submitJob(db, {
    userId,
    type: 'custom',
    request: { sources: [] },
    priority: 'normal',
    idempotencyKey: null,
    cacheKey: null,
    pregenerated: false,
    partial: false,
    webhookUrl: null,
    dedupeInFlight: false,
    maxActiveJobs: 3,
  });

test('hot statements keep working, with Prisma’s Job shape, after the jobs table gains a column', async () => {
  const user = await db.user.create({ data: { email: 'hot@example.com' } });
  await submit(user.id); // prepared on the pool's one connection
  await query(url, 'ALTER TABLE jobs ADD COLUMN later_added TEXT');
  const { job } = await submit(user.id);
  expect(job).toEqual(await db.job.findUniqueOrThrow({ where: { id: job.id } }));
  expect(job).not.toHaveProperty('later_added');
  const statements = await poolOf(db).query<{ name: string }>('SELECT name FROM pg_prepared_statements');
  expect(statements.rows.map((s) => s.name)).toContain('podfleet_submit_job');
});

test('findRequester reads a quota beyond 2^53 bytes exactly (int8 as bigint)', async () => {
  const user = await db.user.create({
    data: { email: 'big-quota@example.com', storageQuotaBytes: 9_007_199_254_740_993n },
  });
  expect(await findRequester(db, user.id)).toMatchObject({
    storageQuotaBytes: 9_007_199_254_740_993n,
    usedBytes: 0,
  });
});

test('disconnecting the client closes its pool, also when only hot statements used it', async () => {
  const other = createPrismaClient(url);
  const pool = poolOf(other);
  await findRequester(other, 'nobody');
  await other.$disconnect();
  expect(pool.ended).toBe(true);
});

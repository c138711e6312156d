import { waitFor } from '@podfleet/test-kit';
import { dropDatabase, migratedScratchDatabase, query } from '../../test/databases';
import { customJobInput } from '../../test/jobs';
import { createPrismaClient, hotDriverOf } from '../client';
import type { PrismaClient } from '../index';
import { DatabaseUnreachableError } from './hot-sql';
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

const preparedStatements = async (client: PrismaClient) =>
  (
    await hotDriverOf(client).pool.query<{ name: string }>('SELECT name FROM pg_prepared_statements')
  ).rows.map((s) => s.name);

const submit = (userId: string, client = db) => submitJob(client, customJobInput(userId));

test('hot statements keep working, with Prisma’s Job shape, after the jobs table gains a column', async () => {
  const user = await db.user.create({ data: { email: 'hot@example.com' } });
  await submit(user.id); // prepared on the pool's one connection
  await query(url, 'ALTER TABLE jobs ADD COLUMN later_added TEXT');
  const { job } = await submit(user.id);
  expect(job).toEqual(await db.job.findUniqueOrThrow({ where: { id: job.id } }));
  expect(job).not.toHaveProperty('later_added');
  expect(await preparedStatements(db)).toContain('podfleet_submit_job');
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
  const { pool } = hotDriverOf(other);
  await findRequester(other, 'nobody');
  await other.$disconnect();
  expect(pool.ended).toBe(true);
});

test('with pgbouncer=true in the URL, hot statements are not prepared (PgBouncer transaction mode)', async () => {
  const bouncer = createPrismaClient(`${url}?pgbouncer=true`, { maxConnections: 1 });
  try {
    const user = await bouncer.user.create({ data: { email: 'bouncer@example.com' } });
    await submit(user.id, bouncer);
    expect(await findRequester(bouncer, user.id)).toMatchObject({ id: user.id });
    expect(await preparedStatements(bouncer)).toEqual([]);
  } finally {
    await bouncer.$disconnect();
  }
});

test('an idle connection that the server drops is replaced, not thrown from the pool', async () => {
  const fresh = createPrismaClient(url, { maxConnections: 1 });
  try {
    const { pool } = hotDriverOf(fresh);
    await findRequester(fresh, 'nobody'); // only hot statements: Prisma itself never connected
    const [{ pid }] = (await pool.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows as [
      { pid: number },
    ];
    await query(url, 'SELECT pg_terminate_backend($1)', [pid]);
    // No 'error' listener here: one would hide the crash this test is about.
    await waitFor(() => pool.totalCount === 0, { what: 'the pool to drop the dead connection' });
    expect(await findRequester(fresh, 'nobody')).toBeNull();
  } finally {
    await fresh.$disconnect();
  }
});

test('a server that cannot be reached is reported as Prisma reports it (P1001), not as a bare socket error', async () => {
  const unreachable = new URL(url);
  unreachable.port = '1'; // nothing listens there
  const down = createPrismaClient(unreachable.toString());
  try {
    const err = await findRequester(down, 'anyone').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DatabaseUnreachableError);
    expect(err).toMatchObject({ code: 'P1001', cause: { code: 'ECONNREFUSED' } });
  } finally {
    await down.$disconnect();
  }
});

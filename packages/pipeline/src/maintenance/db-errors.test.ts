import { createPrismaClient, type PrismaClient } from '@podfleet/db';
import { ProviderError } from '@podfleet/providers';
import { RetryableJobError, toBullMQError, toJobError } from '@podfleet/queue';
import { UnrecoverableError } from 'bullmq';
import { asStageFailure, DbUnavailableError, isTransientDbError } from './db-errors';

async function errorOf(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
  } catch (err) {
    return err;
  }
  throw new Error('expected the call to fail');
}

describe('isTransientDbError, on errors real Prisma and PostgreSQL produce', () => {
  let unreachable: PrismaClient;
  let db: PrismaClient;
  beforeAll(() => {
    // Port 9 (discard) is closed on the test machine: connecting is refused.
    unreachable = createPrismaClient('postgresql://postgres@127.0.0.1:9/podfleet');
    db = createPrismaClient(process.env.DATABASE_URL!);
  });
  afterAll(async () => {
    await unreachable.$disconnect();
    await db.$disconnect();
  });

  it('recognises an unreachable server, through model queries, raw queries and transactions', async () => {
    const viaModel = await errorOf(() => unreachable.user.findFirst());
    const viaRaw = await errorOf(() => unreachable.$queryRaw`SELECT 1`);
    const viaTx = await errorOf(() => unreachable.$transaction(async (tx) => tx.user.count()));
    expect((viaModel as { code: string }).code).toBe('P1001');
    expect((viaRaw as { code: string }).code).toBe('P2010'); // raw: only the adapter's kind tells
    for (const err of [viaModel, viaRaw, viaTx]) expect(isTransientDbError(err)).toBe(true);
  });

  it('recognises a connection the server terminated (SQLSTATE 57P01)', async () => {
    const [{ pid }] = await db.$queryRaw<[{ pid: number }]>`SELECT pg_backend_pid() AS pid`;
    const err = await errorOf(() =>
      db.$transaction(async (tx) => {
        await tx.$executeRaw`SELECT pg_terminate_backend(${pid}::int)`;
      }),
    );
    expect(isTransientDbError(err)).toBe(true);
  });

  it('recognises node-postgres’ uncoded "Connection terminated unexpectedly" (a cut socket)', () => {
    expect(isTransientDbError(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(
      isTransientDbError(new Error('wrapped', { cause: new Error('Connection terminated unexpectedly') })),
    ).toBe(true);
  });

  it('does not treat query errors, constraint violations or provider outages as database outages', async () => {
    const syntax = await errorOf(() => db.$queryRawUnsafe('SELEC 1'));
    const email = `dup-${Date.now()}@example.test`;
    await db.user.create({ data: { email } });
    const unique = await errorOf(() => db.user.create({ data: { email } }));
    expect(isTransientDbError(syntax)).toBe(false);
    expect(isTransientDbError(unique)).toBe(false);
    expect(
      isTransientDbError(new ProviderError('TTS_FAILED', 'ElevenLabs unreachable: ECONNREFUSED', true)),
    ).toBe(false);
    expect(
      isTransientDbError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })),
    ).toBe(false);
  });
});

describe('asStageFailure', () => {
  it('turns a database outage into a retryable DB_UNAVAILABLE that keeps the cause', async () => {
    const unreachable = createPrismaClient('postgresql://postgres@127.0.0.1:9/podfleet');
    const cause = await errorOf(() => unreachable.job.count());
    await unreachable.$disconnect();
    const failure = asStageFailure(cause);
    expect(failure).toBeInstanceOf(DbUnavailableError);
    expect((failure as Error).cause).toBe(cause);
    expect(toJobError(failure)).toMatchObject({ code: 'DB_UNAVAILABLE', retryable: true });
    const toBull = toBullMQError(failure);
    expect(toBull).toBeInstanceOf(RetryableJobError);
    expect(toBull.message).toMatch(/^\[DB_UNAVAILABLE\] database unavailable: /);
  });

  it('classifies an error that already went through toBullMQError, and only once', () => {
    const wrapped = toBullMQError(new Error('Connection terminated unexpectedly'));
    const failure = asStageFailure(wrapped);
    expect(toJobError(failure).code).toBe('DB_UNAVAILABLE');
    expect(asStageFailure(failure)).toBe(failure);
  });

  it('leaves other errors, and final verdicts, as they are', () => {
    const provider = new ProviderError('RATE_LIMITED', '429', true, 1000);
    expect(asStageFailure(provider)).toBe(provider);
    const final = new UnrecoverableError('[SCRIPT_INVALID] Connection terminated unexpectedly in the text');
    expect(asStageFailure(final)).toBe(final);
  });
});

import { baseConfig } from '@podfleet/config';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient } from './generated/prisma/client';

export interface PrismaClientOptions {
  /** Pool size of this client (pg default: 10). Every process holds its own pool. */
  maxConnections?: number;
}

/** What hot statements run on: the client's node-postgres pool, and whether to prepare them. */
export interface HotDriver {
  pool: pg.Pool;
  /**
   * False when DATABASE_URL carries `pgbouncer=true` (Prisma's convention): PgBouncer in
   * transaction mode, before 1.21, cannot keep a prepared statement for its client.
   */
  prepare: boolean;
}

const drivers = new WeakMap<PrismaClient, HotDriver>();

/** A Prisma client over node-postgres (Prisma 7 driver adapter); the caller disconnects it. */
export function createPrismaClient(url: string, options: PrismaClientOptions = {}): PrismaClient {
  const pool = new pg.Pool({
    connectionString: url,
    ...(options.maxConnections === undefined ? {} : { max: options.maxConnections }),
  });
  // An idle connection that drops (a server restart) leaves the pool and the next query opens a
  // new one; without a listener its error would be thrown from the pool and end the process.
  // (Prisma adds its own only once it has connected; hot statements may use the pool before.)
  pool.on('error', () => {});
  const client = new PrismaClient({ adapter: new PrismaPg(pool, { disposeExternalPool: true }) });
  // Prisma ends the pool only if it ever connected; hot statements may have used it alone.
  const disconnect = client.$disconnect.bind(client);
  client.$disconnect = async () => {
    await disconnect();
    if (!pool.ended) await pool.end();
  };
  drivers.set(client, { pool, prepare: new URL(url).searchParams.get('pgbouncer') !== 'true' });
  return client;
}

/**
 * The client's own node-postgres pool and how to use it, for the few hot statements that skip
 * Prisma's query layer (see repositories/hot-sql.ts); the pool closes with the client.
 */
export function hotDriverOf(db: PrismaClient): HotDriver {
  const driver = drivers.get(db);
  if (!driver) throw new Error('this Prisma client was not made by createPrismaClient');
  return driver;
}

let shared: PrismaClient | undefined;

/** The process-wide client for `DATABASE_URL`, made on first use. */
export function getPrisma(): PrismaClient {
  shared ??= createPrismaClient(baseConfig().DATABASE_URL);
  return shared;
}

/** Closes the process-wide client, if one was made; the next getPrisma() makes a new one. */
export async function disconnectPrisma(): Promise<void> {
  const client = shared;
  shared = undefined;
  await client?.$disconnect();
}

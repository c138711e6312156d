import { baseConfig } from '@podfleet/config';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient } from './generated/prisma/client';

export interface PrismaClientOptions {
  /** Pool size of this client (pg default: 10). Every process holds its own pool. */
  maxConnections?: number;
}

/** The node-postgres pool under each client createPrismaClient made (see poolOf). */
const pools = new WeakMap<PrismaClient, pg.Pool>();

/** A Prisma client over node-postgres (Prisma 7 driver adapter); the caller disconnects it. */
export function createPrismaClient(url: string, options: PrismaClientOptions = {}): PrismaClient {
  const pool = new pg.Pool({
    connectionString: url,
    ...(options.maxConnections === undefined ? {} : { max: options.maxConnections }),
  });
  const client = new PrismaClient({ adapter: new PrismaPg(pool, { disposeExternalPool: true }) });
  // Prisma ends the pool only if it ever connected; hot statements may have used it alone.
  const disconnect = client.$disconnect.bind(client);
  client.$disconnect = async () => {
    await disconnect();
    if (!pool.ended) await pool.end();
  };
  pools.set(client, pool);
  return client;
}

/**
 * The client's own node-postgres pool, for the few hot statements that skip Prisma's query layer
 * (see repositories/hot-sql.ts); it closes with the client and cannot be used after.
 */
export function poolOf(db: PrismaClient): pg.Pool {
  const pool = pools.get(db);
  if (!pool) throw new Error('this Prisma client was not made by createPrismaClient');
  return pool;
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

import { baseConfig } from '@podfleet/config';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from './generated/prisma/client';

export interface PrismaClientOptions {
  /** Pool size of this client (pg default: 10). Every process holds its own pool. */
  maxConnections?: number;
}

/** A Prisma client over node-postgres (Prisma 7 driver adapter); the caller disconnects it. */
export function createPrismaClient(url: string, options: PrismaClientOptions = {}): PrismaClient {
  const adapter = new PrismaPg({
    connectionString: url,
    ...(options.maxConnections === undefined ? {} : { max: options.maxConnections }),
  });
  return new PrismaClient({ adapter });
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

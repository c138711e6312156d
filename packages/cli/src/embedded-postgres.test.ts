import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { createPrismaClient, defaultMigrationsDir, ensureDatabase, migrate } from '@podfleet/db';
import { makeTempDir } from '@podfleet/test-kit';
import { startEmbeddedPostgres } from './services';

const tsx = join(__dirname, '..', '..', '..', 'node_modules', '.bin', 'tsx');

describe('embedded PostgreSQL (the demo fallback)', () => {
  it('serves the migrated schema to Prisma in this process and in another one', async () => {
    const tmp = await makeTempDir('pf-pglite-');
    const server = await startEmbeddedPostgres(tmp.dir, 20);
    try {
      const url = new URL(server.url);
      url.pathname = '/podfleet';
      const databaseUrl = url.toString();
      expect(await ensureDatabase(databaseUrl)).toEqual({ created: true });
      const { applied } = await migrate({
        connectionString: databaseUrl,
        migrationsDir: defaultMigrationsDir,
      });
      expect(applied.length).toBeGreaterThanOrEqual(3);

      const db = createPrismaClient(databaseUrl, { maxConnections: 2 });
      const user = await db.user.create({ data: { email: 'pglite@example.test' } });
      // A second process, as the fleet's apps are, reads and writes through its own connections.
      const other = spawnSync(
        tsx,
        [
          '-e',
          `const { createPrismaClient } = require('@podfleet/db');
           const db = createPrismaClient(process.argv[1], { maxConnections: 2 });
           db.user.update({ where: { email: 'pglite@example.test' }, data: { listens: 7 } })
             .then((u) => { console.log(u.id); return db.$disconnect(); });`,
          databaseUrl,
        ],
        { cwd: __dirname, encoding: 'utf8', timeout: 60_000 },
      );
      expect(other.stdout.trim()).toBe(user.id);
      expect((await db.user.findUniqueOrThrow({ where: { id: user.id } })).listens).toBe(7);
      expect(await db.generationJobStats.findMany()).toEqual(expect.any(Array));
      await db.$disconnect();
    } finally {
      await server.stop();
      await tmp.remove();
    }
  });
});

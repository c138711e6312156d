import { createHash } from 'node:crypto';
import { cp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTempDir } from '@podfleet/test-kit';
import { dropDatabase, query, scratchDatabaseUrl } from '../../test/databases';
import { defaultMigrationsDir, ensureDatabase, ensureMigrated, migrate } from './runner';

const baseUrl = process.env.DATABASE_URL as string;
const created: string[] = [];

/** A fresh (not yet created) database, dropped after the suite. */
function newDatabaseUrl(label: string): string {
  const url = scratchDatabaseUrl(baseUrl, label);
  created.push(url);
  return url;
}

async function migrationNamesOnDisk(dir = defaultMigrationsDir): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  return entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
}

afterAll(async () => {
  await Promise.all(created.map(dropDatabase));
});

test('defaultMigrationsDir is the repository prisma/migrations', async () => {
  expect(defaultMigrationsDir).toBe(join(__dirname, '../../../../prisma/migrations'));
  expect(await readdir(defaultMigrationsDir)).toContain('migration_lock.toml');
});

test('ensureDatabase creates a missing database once, even when raced', async () => {
  const url = newDatabaseUrl('ensure');
  const results = await Promise.all([ensureDatabase(url), ensureDatabase(url), ensureDatabase(url)]);
  expect(results.filter((r) => r.created)).toHaveLength(1);
  expect(await ensureDatabase(url)).toEqual({ created: false });
  expect(await query(url, 'SELECT 1 AS ok')).toEqual([{ ok: 1 }]);
});

test('a brand-new database gets every migration, recorded as Prisma records them; a second run applies none', async () => {
  const url = newDatabaseUrl('fresh');
  await ensureDatabase(url);
  const names = await migrationNamesOnDisk();
  expect(names.length).toBeGreaterThanOrEqual(2);

  const logged: string[] = [];
  const first = await migrate({
    connectionString: url,
    migrationsDir: defaultMigrationsDir,
    log: (m) => logged.push(m),
  });
  expect(first).toEqual({ applied: names, alreadyApplied: 0 });
  expect(logged).toHaveLength(names.length);
  expect(logged[0]).toContain(names[0]);

  const rows = await query<{
    id: string;
    checksum: string;
    migration_name: string;
    finished_at: Date | null;
    logs: string | null;
    rolled_back_at: Date | null;
    applied_steps_count: number;
  }>(url, 'SELECT * FROM _prisma_migrations ORDER BY migration_name');
  expect(rows.map((r) => r.migration_name)).toEqual(names);
  for (const row of rows) {
    const file = await readFile(join(defaultMigrationsDir, row.migration_name, 'migration.sql'));
    expect(row.checksum).toBe(createHash('sha256').update(file).digest('hex'));
    expect(row.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(row.finished_at).not.toBeNull();
    expect(row.logs).toBeNull();
    expect(row.rolled_back_at).toBeNull();
    expect(row.applied_steps_count).toBe(1);
  }
  const relations = await query<{ relname: string }>(
    url,
    `SELECT relname FROM pg_class WHERE relname IN ('jobs', 'episodes', 'active_generation_jobs', 'generation_job_stats')`,
  );
  expect(relations.map((r) => r.relname).sort()).toEqual([
    'active_generation_jobs',
    'episodes',
    'generation_job_stats',
    'jobs',
  ]);

  expect(await migrate({ connectionString: url, migrationsDir: defaultMigrationsDir })).toEqual({
    applied: [],
    alreadyApplied: names.length,
  });
});

test('concurrent runs apply each migration exactly once', async () => {
  const url = newDatabaseUrl('concurrent');
  await ensureDatabase(url);
  const names = await migrationNamesOnDisk();
  const results = await Promise.all(
    [1, 2, 3].map(() => migrate({ connectionString: url, migrationsDir: defaultMigrationsDir })),
  );
  expect(results.flatMap((r) => r.applied).sort()).toEqual(names);
  // The winner applied everything; the others waited on the lock and found nothing to do.
  expect(results.filter((r) => r.applied.length === 0 && r.alreadyApplied === names.length)).toHaveLength(2);
  const rows = await query<{ n: number }>(url, 'SELECT count(*)::int AS n FROM _prisma_migrations');
  expect(rows[0]?.n).toBe(names.length);
});

describe('refusals', () => {
  let dir: string;
  let removeDir: () => Promise<void>;
  let url: string;

  beforeEach(async () => {
    ({ dir, remove: removeDir } = await makeTempDir('pf-migrations-'));
    await cp(defaultMigrationsDir, dir, { recursive: true });
    url = newDatabaseUrl('refuse');
    await ensureDatabase(url);
    await migrate({ connectionString: url, migrationsDir: dir });
  });

  afterEach(() => removeDir());

  test('an applied migration whose file changed is refused, by name', async () => {
    const [name] = await migrationNamesOnDisk(dir);
    const file = join(dir, name as string, 'migration.sql');
    await writeFile(file, `${await readFile(file, 'utf8')}\n-- edited afterwards\n`);
    await expect(migrate({ connectionString: url, migrationsDir: dir })).rejects.toThrow(
      `migration ${name} was modified after it was applied`,
    );
  });

  test('a database with a migration missing from disk is refused, by name', async () => {
    const names = await migrationNamesOnDisk(dir);
    const last = names.at(-1) as string;
    await rm(join(dir, last), { recursive: true });
    await expect(migrate({ connectionString: url, migrationsDir: dir })).rejects.toThrow(
      `migration ${last} is applied to the database but missing from`,
    );
  });

  test('a failing migration is rolled back whole and not recorded; a fixed one then applies', async () => {
    const broken = join(dir, '29991231235959_broken');
    await cp(join(dir, (await migrationNamesOnDisk(dir))[0] as string), broken, { recursive: true });
    await writeFile(join(broken, 'migration.sql'), 'CREATE TABLE half_done (id int);\nSELECT 1 / 0;\n');
    await expect(migrate({ connectionString: url, migrationsDir: dir })).rejects.toThrow(
      'migration 29991231235959_broken failed and was rolled back: division by zero',
    );
    expect(await query(url, `SELECT 1 FROM pg_class WHERE relname = 'half_done'`)).toEqual([]);
    expect(
      await query(url, `SELECT 1 FROM _prisma_migrations WHERE migration_name = '29991231235959_broken'`),
    ).toEqual([]);

    await writeFile(join(broken, 'migration.sql'), 'CREATE TABLE half_done (id int);\n');
    const result = await migrate({ connectionString: url, migrationsDir: dir });
    expect(result.applied).toEqual(['29991231235959_broken']);
  });

  test('an unfinished migration left by `prisma migrate deploy` is refused, by name', async () => {
    await query(
      url,
      `INSERT INTO _prisma_migrations (id, checksum, migration_name, started_at)
       VALUES (gen_random_uuid()::text, 'x', '29991231235959_crashed', now())`,
    );
    await expect(migrate({ connectionString: url, migrationsDir: dir })).rejects.toThrow(
      'migration 29991231235959_crashed failed earlier and is marked unfinished',
    );
  });
});

test('ensureMigrated creates a missing database and applies every migration; run again, it changes nothing', async () => {
  const url = newDatabaseUrl('ensuremigrated');
  const names = await migrationNamesOnDisk();
  expect(await ensureMigrated({ connectionString: url })).toEqual({
    created: true,
    applied: names,
    alreadyApplied: 0,
  });
  expect(await ensureMigrated({ connectionString: url })).toEqual({
    created: false,
    applied: [],
    alreadyApplied: names.length,
  });
});

// schema.prisma, the migrations and a database migrated by our runner must never part, and the
// Prisma CLI must read our runner's bookkeeping as its own. Spawns the Prisma 6 CLI (wasm engine).
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTempDir } from '@podfleet/test-kit';
import { defaultMigrationsDir, migrate } from './migrations/runner';
import { dropDatabase, query, scratchDatabaseUrl } from './testing/databases';

const packageDir = join(__dirname, '..');
const derivedSchema = join(packageDir, '../../prisma/schema.migrate.prisma');
const databaseUrl = process.env.DATABASE_URL as string;

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** `node scripts/prisma6.mjs …`: derives schema.migrate.prisma, then runs the Prisma 6 CLI. */
function prisma6(args: string[], url = databaseUrl): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['scripts/prisma6.mjs', ...args],
      { cwd: packageDir, env: { ...process.env, DATABASE_URL: url }, timeout: 30_000 },
      (err, stdout, stderr) => {
        if (err && typeof err.code !== 'number') return reject(err);
        resolve({ code: typeof err?.code === 'number' ? err.code : 0, stdout, stderr });
      },
    );
  });
}

let tmp: { dir: string; remove(): Promise<void> };
beforeAll(async () => {
  tmp = await makeTempDir('pf-drift-');
});
afterAll(() => tmp.remove());

test('the migrations produce exactly schema.prisma', async () => {
  const result = await prisma6([
    'migrate',
    'diff',
    '--from-migrations',
    defaultMigrationsDir,
    '--to-schema-datamodel',
    derivedSchema,
    '--script',
    '--exit-code',
  ]);
  expect(result.stderr).not.toMatch(/Error/);
  expect(result.stdout).toContain('empty migration');
  expect(result.code).toBe(0);
});

test('the drift check notices a schema change (negative control)', async () => {
  const changed = join(tmp.dir, 'changed.prisma');
  const schema = await readFile(derivedSchema, 'utf8');
  await writeFile(changed, schema.replace(/^model SourceDocument \{$/m, 'model SourceDocument {\n  language String?'));
  const result = await prisma6([
    'migrate',
    'diff',
    '--from-migrations',
    defaultMigrationsDir,
    '--to-schema-datamodel',
    changed,
    '--script',
    '--exit-code',
  ]);
  expect(result.code).toBe(2);
  expect(result.stdout).toContain('ALTER TABLE "source_documents" ADD COLUMN     "language" TEXT');
});

test('a database migrated by the runner matches schema.prisma (db pull + diff)', async () => {
  const pull = await prisma6(['db', 'pull', '--print', '--schema', derivedSchema]);
  expect(pull.code).toBe(0);
  // --print prefixes the schema with warnings and comments: keep from the generator block on.
  const start = pull.stdout.search(/^generator /m);
  expect(start).toBeGreaterThanOrEqual(0);
  const pulled = join(tmp.dir, 'pulled.prisma');
  await writeFile(pulled, pull.stdout.slice(start));
  expect(pull.stdout).toContain('view GenerationJobStats');

  const diff = await prisma6([
    'migrate',
    'diff',
    '--from-schema-datamodel',
    pulled,
    '--to-schema-datamodel',
    derivedSchema,
    '--script',
    '--exit-code',
  ]);
  expect(diff.stdout).toContain('empty migration');
  expect(diff.code).toBe(0);
});

test('`prisma migrate status` accepts the runner’s bookkeeping', async () => {
  const status = await prisma6(['migrate', 'status', '--schema', derivedSchema]);
  expect(status.stdout).toContain('Database schema is up to date');
  expect(status.code).toBe(0);
});

test('the runner accepts a database migrated by `prisma migrate deploy`', async () => {
  const url = scratchDatabaseUrl(databaseUrl, 'deploy');
  try {
    await query(databaseUrl, `CREATE DATABASE "${new URL(url).pathname.slice(1)}"`);
    const deploy = await prisma6(['migrate', 'deploy', '--schema', derivedSchema], url);
    expect(deploy.stderr).not.toMatch(/Error/);
    expect(deploy.code).toBe(0);
    const result = await migrate({ connectionString: url, migrationsDir: defaultMigrationsDir });
    expect(result.applied).toEqual([]);
    expect(result.alreadyApplied).toBeGreaterThanOrEqual(2);
  } finally {
    await dropDatabase(url);
  }
});

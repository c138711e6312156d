// schema.prisma, the migrations and a database migrated by our runner must never part, and the
// Prisma CLI must read our runner's bookkeeping as its own. Spawns the Prisma 6 CLI (wasm engine).
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTempDir } from '@podfleet/test-kit';
import { dropDatabase, query, scratchDatabaseUrl } from '../test/databases';
import { defaultMigrationsDir, migrate } from './migrations/runner';

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

/** Each `view` block's field lines, comments dropped and spacing normalised. */
function viewBlocks(schema: string): Record<string, string[]> {
  const views: Record<string, string[]> = {};
  for (const [, name, body] of schema.matchAll(/^view (\w+) \{\n([\s\S]*?)^\}/gm)) {
    views[name as string] = (body as string)
      .split('\n')
      .map((line) =>
        line
          .replace(/\/\/.*$/, '')
          .trim()
          .replace(/\s+/g, ' '),
      )
      .filter(Boolean)
      .sort();
  }
  return views;
}

let tmp: { dir: string; remove(): Promise<void> };
/** A private copy of the derived schema: `db pull` writes views/*.sql next to the schema it reads. */
let pullSchema: string;
beforeAll(async () => {
  tmp = await makeTempDir('pf-drift-');
  pullSchema = join(tmp.dir, 'schema.prisma');
  await new Promise<void>((resolve, reject) =>
    execFile(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `import('./scripts/prisma6.mjs').then((m) => m.deriveMigrateSchema(${JSON.stringify(pullSchema)}))`,
      ],
      { cwd: packageDir },
      (err) => (err ? reject(err) : resolve()),
    ),
  );
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
  await writeFile(
    changed,
    schema.replace(/^model SourceDocument \{$/m, 'model SourceDocument {\n  language String?'),
  );
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
  const pull = await prisma6(['db', 'pull', '--print', '--schema', pullSchema]);
  expect(pull.code).toBe(0);
  // --print prefixes the schema with warnings and comments: keep from the generator block on.
  const start = pull.stdout.search(/^generator /m);
  expect(start).toBeGreaterThanOrEqual(0);
  const pulled = join(tmp.dir, 'pulled.prisma');
  await writeFile(pulled, pull.stdout.slice(start));
  // migrate diff ignores views: compare the introspected view columns with the view blocks.
  const declared = viewBlocks(await readFile(pullSchema, 'utf8'));
  expect(Object.keys(declared).sort()).toEqual(['ActiveGenerationJob', 'GenerationJobStats']);
  expect(viewBlocks(pull.stdout)).toEqual(declared);

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

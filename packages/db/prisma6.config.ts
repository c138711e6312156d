// Prisma 6.19 CLI config (package alias `prisma6`), used only to write and check migration SQL:
// its schema engine runs as wasm, offline, through a driver adapter (see /work/shared/PRISMA.md).
// Run it through scripts/prisma6.mjs, which derives the schema this file points at.
import { randomUUID } from 'node:crypto';
import { readEnv } from '@podfleet/config';
import { PrismaPg } from '@prisma/adapter-pg';
import { defineConfig } from 'prisma6/config';

// The same environment (and .env) the apps read.
const databaseUrl = readEnv().DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/podfleet';

/** The same server, another database (the maintenance db `postgres` by default). */
function urlForDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${encodeURIComponent(database)}`;
  return u.toString();
}

// Short idle timeouts so idle pool connections do not keep the finished CLI alive.
const poolSettings = { allowExitOnIdle: true, idleTimeoutMillis: 100 };

type Adapter = Awaited<ReturnType<PrismaPg['connect']>>;
type Result = { fields?: { dataTypeID: number }[] };
// A multi-statement script (migrations replayed into the shadow database) yields one result each.
type PerformIO = (query: unknown) => Promise<Result | Result[]>;

/**
 * Works around adapter-pg issues that only the schema engine hits:
 * - introspection reads pg_catalog columns of type "char" (OID 18), which the adapter cannot map;
 *   they are decoded as text and reported to the engine as Character columns (reporting them as
 *   Text makes the wasm engine panic, "unreachable", as soon as a CHECK constraint exists);
 * - executeScript splits on every ";" (breaks on ";" in strings/function bodies): send the script as
 *   one simple query instead;
 * - connectToShadowDb reconnects to the main database (its `database` override loses to
 *   connectionString); create a real throwaway database and drop it WITH (FORCE) afterwards.
 */
class MigrationAdapterFactory extends PrismaPg {
  constructor(private readonly url: string) {
    super({ connectionString: url, ...poolSettings });
  }

  override async connect(): Promise<Adapter> {
    return patch(await super.connect());
  }

  override async connectToShadowDb(): Promise<Adapter> {
    const name = `prisma_shadow_${randomUUID().replaceAll('-', '')}`;
    const admin = await new PrismaPg({
      connectionString: urlForDatabase(this.url, 'postgres'),
      ...poolSettings,
    }).connect();
    await admin.executeScript(`CREATE DATABASE "${name}"`);
    const shadow = patch(
      await new PrismaPg({ connectionString: urlForDatabase(this.url, name), ...poolSettings }).connect(),
    );
    const disposeShadow = shadow.dispose.bind(shadow);
    shadow.dispose = async () => {
      await disposeShadow();
      await admin.executeScript(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.dispose();
    };
    return shadow;
  }
}

// ColumnTypeEnum.Character in @prisma/driver-adapter-utils: what the engine expects for "char".
const CHARACTER_COLUMN = 6;
const PG_CHAR_OID = 18;
const PG_TEXT_OID = 25;

function patch(adapter: Adapter): Adapter {
  const target = adapter as unknown as { performIO: PerformIO };
  const performIO = target.performIO.bind(adapter);
  const queryRaw = adapter.queryRaw.bind(adapter);
  const charColumns = new WeakMap<object, number[]>();
  target.performIO = async (query) => {
    const result = await performIO(query);
    const found: number[] = [];
    for (const { fields = [] } of Array.isArray(result) ? result : [result]) {
      fields.forEach((field, i) => {
        if (field.dataTypeID !== PG_CHAR_OID) return;
        field.dataTypeID = PG_TEXT_OID;
        found.push(i);
      });
    }
    if (found.length > 0) charColumns.set(query as object, found);
    return result;
  };
  adapter.queryRaw = async (query) => {
    const resultSet = await queryRaw(query);
    for (const i of charColumns.get(query) ?? []) resultSet.columnTypes[i] = CHARACTER_COLUMN as never;
    return resultSet;
  };
  const onError = (adapter as unknown as { onError(err: unknown): never }).onError.bind(adapter);
  adapter.executeScript = async (script) => {
    try {
      await adapter.underlyingDriver().query(script);
    } catch (err) {
      onError(err); // rethrows as the DriverAdapterError the engine understands
    }
  };
  return adapter;
}

export default defineConfig({
  engine: 'js',
  experimental: { adapter: true },
  adapter: async () => new MigrationAdapterFactory(databaseUrl),
  schema: '../../prisma/schema.migrate.prisma',
  migrations: { path: '../../prisma/migrations' },
});

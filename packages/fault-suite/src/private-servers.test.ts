// The suite's own servers really stop and start: a restart drops clients, an empty start loses
// the data, a kill of Redis loses no acknowledged write, and PostgreSQL keeps its rows.
import { Redis } from 'ioredis';
import { Client } from 'pg';
import { startPrivatePostgres, startPrivateRedis } from './private-servers';

it('Redis: stops, restarts with or without its data', async () => {
  const redis = await startPrivateRedis();
  try {
    const client = new Redis(redis.url, { maxRetriesPerRequest: 1, lazyConnect: true });
    await client.connect();
    await client.set('kept', '1');
    await redis.stop('SIGKILL');
    await expect(client.ping()).rejects.toThrow();
    await redis.start();
    expect(await client.get('kept')).toBe('1');
    await redis.stop('SIGTERM');
    await redis.start({ empty: true });
    expect(await client.get('kept')).toBeNull();
    client.disconnect();
  } finally {
    await redis.close();
  }
});

it('PostgreSQL: migrated, and a restart ends sessions but keeps rows', async () => {
  const pg = await startPrivatePostgres();
  try {
    const before = new Client({ connectionString: pg.url });
    await before.connect();
    before.on('error', () => {});
    const { rows } = await before.query(
      "SELECT count(*)::int AS n FROM information_schema.tables WHERE table_name = 'jobs'",
    );
    expect(rows[0].n).toBe(1);
    await before.query('CREATE TABLE probe (v int)');
    await before.query('INSERT INTO probe VALUES (7)');
    await pg.restart();
    await expect(before.query('SELECT 1')).rejects.toThrow();
    const after = new Client({ connectionString: pg.url });
    await after.connect();
    expect((await after.query('SELECT v FROM probe')).rows).toEqual([{ v: 7 }]);
    await after.end();
  } finally {
    await pg.close();
  }
});

import { Client } from 'pg';
import { startStatementCountingProxy } from './pg-statement-counter';

describe('startStatementCountingProxy', () => {
  it('counts each simple query and each Execute, a prepared statement at every run', async () => {
    const proxy = await startStatementCountingProxy(process.env.DATABASE_URL!);
    const client = new Client({ connectionString: proxy.url });
    try {
      await client.connect();
      await client.query('select 1'); // simple protocol: 'Q'
      await client.query('SELECT $1::int', [1]); // extended: Parse, Bind, Execute
      const prepared = { name: 'counted', text: 'UPDATE pg_settings SET setting = setting WHERE false' };
      await client.query(prepared); // parsed once …
      await client.query(prepared); // … executed twice
      await client.query('BEGIN');
      await client.query('COMMIT');
      expect(proxy.counts()).toEqual({
        statements: 6,
        byKind: { SELECT: 2, UPDATE: 2, BEGIN: 1, COMMIT: 1 },
      });
    } finally {
      await client.end();
      await proxy.close();
    }
  });
});

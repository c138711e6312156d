import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { Client } from 'pg';
import { freePort } from './services';

const root = join(__dirname, '..', '..', '..');
const tsx = join(root, 'node_modules', '.bin', 'tsx');

/** Runs the CLI as `npm start` / `npm run db:migrate` do (after set-up), in an empty working dir. */
function cli(args: string[], env: NodeJS.ProcessEnv) {
  return spawnSync(tsx, [join(__dirname, 'main.ts'), ...args], {
    cwd: __dirname, // .env is gitignored: a clean checkout has none
    env: { PATH: process.env.PATH, ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });
}

describe('podfleet CLI', () => {
  it('refuses to start apps with invalid configuration, listing every problem once', () => {
    const result = cli(['start', 'api'], { PORT: 'x' });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('Invalid configuration for api (4 problems)');
    for (const secret of ['ADMIN_API_KEY', 'MEDIA_URL_SECRET', 'WEBHOOK_SECRET'])
      expect(result.stderr).toContain(`${secret}: is required but not set`);
    expect(result.stdout).not.toContain('starting');
  });

  it('names unknown apps', () => {
    const result = cli(['start', 'transcoder'], {});
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('unknown app transcoder; choose from api, scraper, audio, uploader');
  });

  it('says which services are unreachable, where it looked and how to start them, without a stack trace', async () => {
    const [redisPort, pgPort] = [await freePort(), await freePort()];
    const result = cli(['db:migrate'], {
      REDIS_URL: `redis://127.0.0.1:${redisPort}`,
      DATABASE_URL: `postgresql://postgres:secret@127.0.0.1:${pgPort}/podfleet`,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(
      `Redis is not reachable at redis://127.0.0.1:${redisPort} (ECONNREFUSED)`,
    );
    expect(result.stderr).toContain(
      `PostgreSQL is not reachable at postgresql://postgres:***@127.0.0.1:${pgPort}/podfleet (ECONNREFUSED)`,
    );
    expect(result.stderr).toContain('apt-get install redis-server');
    expect(result.stderr).toContain('apt-get install postgresql');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('migrates a database that does not exist yet, then finds nothing to apply', async () => {
    const url = new URL(process.env.DATABASE_URL!);
    url.pathname = `${url.pathname}_cli`;
    const admin = new Client({ connectionString: process.env.DATABASE_URL });
    await admin.connect();
    const env = { DATABASE_URL: url.toString(), REDIS_URL: process.env.REDIS_URL };
    const first = cli(['db:migrate'], env);
    expect(first.stdout).toContain(`created database ${url.pathname.slice(1)}`);
    expect(first.stdout).toMatch(/applied migrations: \d{14}_init/);
    const second = cli(['db:migrate'], env);
    expect(second.stdout).toContain('database schema is up to date');
    await admin.query(`DROP DATABASE "${url.pathname.slice(1)}" WITH (FORCE)`);
    await admin.end();
  });
});

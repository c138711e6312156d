// The process as containers run it: `main.ts` (through tsx) serves, logs one `ready` line and
// stops cleanly on SIGTERM; `main.ts migrate` applies migrations and exits.
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { makeTempDir, waitFor } from '@podfleet/test-kit';
import { makeJob } from '../test/fixtures';
import {
  ADMIN_KEY,
  bearer,
  MEDIA_URL_SECRET,
  startTestApi,
  type TestApi,
  testEnv,
  WEBHOOK_SECRET,
} from '../test/harness';
import { openSse } from '../test/sse-client';
import { verifyPassword } from './services/password-hash';

const tsx = join(__dirname, '..', '..', '..', 'node_modules', '.bin', 'tsx');
const env = testEnv(process.env, 'main');

function run(args: string[], extraEnv: NodeJS.ProcessEnv) {
  const child = spawn(tsx, ['src/main.ts', ...args], {
    cwd: join(__dirname, '..'),
    env: { ...process.env, ...extraEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: Array<Record<string, unknown>> = [];
  createInterface({ input: child.stdout! }).on('line', (line) => {
    try {
      lines.push(JSON.parse(line));
    } catch {
      lines.push({ raw: line });
    }
  });
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => {
    stderr += c.toString();
  });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { child, lines, exited, stderr: () => stderr };
}

describe('main.ts', () => {
  let t: TestApi;
  let child: ChildProcess | undefined;
  beforeAll(async () => {
    t = await startTestApi(env);
  });
  afterAll(async () => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    await t.close();
  });

  it('logs one ready line with its port, serves, and on SIGTERM ends event streams and exits 0', async () => {
    const media = await makeTempDir();
    const proc = run([], {
      PORT: '0',
      QUEUE_PREFIX: env.prefix,
      ADMIN_API_KEY: ADMIN_KEY,
      MEDIA_URL_SECRET,
      WEBHOOK_SECRET,
      STORAGE_DIR: media.dir,
      LOG_LEVEL: 'warn', // the ready line is written anyway
      NODE_ENV: 'production',
      ALLOW_PRIVATE_SOURCE_URLS: 'false',
      METRICS_TOKEN: 'metrics-token-for-main-test',
      PUBLIC_BASE_URL: 'https://pods.example.test',
    });
    child = proc.child;
    try {
      const ready = await waitFor(() => proc.lines.find((l) => l.msg === 'ready'), {
        timeoutMs: 30_000,
        what: 'the ready line',
      });
      expect(proc.lines.filter((l) => l.msg === 'ready')).toHaveLength(1);
      expect(ready).toMatchObject({ app: 'api', level: 'info' });
      const base = `http://127.0.0.1:${ready.port as number}`;
      expect((await fetch(`${base}/health`)).status).toBe(200);

      const { user, key } = await t.createUser();
      const job = await makeJob(t.db, user.id, 'running');
      const stream = await openSse(`${base}/v1/jobs/${job.id}/events`, bearer(key));
      await stream.waitForEvents(1);

      proc.child.kill('SIGTERM');
      await stream.ended;
      expect(await proc.exited).toBe(0);
      expect(proc.stderr()).toBe('');
    } finally {
      await media.remove();
    }
  });

  it('`migrate` applies migrations to DATABASE_URL and exits 0', async () => {
    const proc = run(['migrate'], { LOG_LEVEL: 'info' });
    expect(await proc.exited).toBe(0);
    expect(proc.lines.find((l) => l.msg === 'migrations applied')).toMatchObject({ applied: [] });
  });

  it('exits 1 listing every configuration problem, each missing secret by name', async () => {
    const proc = run([], { ADMIN_API_KEY: 'short', PORT: 'x' });
    expect(await proc.exited).toBe(1);
    expect(proc.stderr()).toMatch(/ADMIN_API_KEY/);
    expect(proc.stderr()).toContain('MEDIA_URL_SECRET: is required but not set');
    expect(proc.stderr()).toContain('WEBHOOK_SECRET: is required but not set');
    expect(proc.stderr()).toMatch(/PORT/);
  });

  it('refuses to start in production without METRICS_TOKEN and PUBLIC_BASE_URL (issue #18)', async () => {
    const proc = run([], {
      NODE_ENV: 'production',
      ADMIN_API_KEY: ADMIN_KEY,
      MEDIA_URL_SECRET,
      WEBHOOK_SECRET,
      ALLOW_PRIVATE_SOURCE_URLS: 'false',
      METRICS_TOKEN: '',
      PUBLIC_BASE_URL: '',
    });
    expect(await proc.exited).toBe(1);
    expect(proc.stderr()).toMatch(/METRICS_TOKEN: required when NODE_ENV=production/);
    expect(proc.stderr()).toMatch(/PUBLIC_BASE_URL: required when NODE_ENV=production/);
  });

  it('`hash-password` hashes the password read on stdin for BULL_BOARD_USERS', async () => {
    const child = spawn(tsx, ['src/main.ts', 'hash-password'], {
      cwd: join(__dirname, '..'),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
    });
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    child.stdin!.end('correct horse battery staple\n');
    expect(await exited).toBe(0);
    const hash = out.trim();
    expect(hash).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(await verifyPassword('correct horse battery staple', hash)).toBe(true);
    expect(out).not.toContain('correct horse');
  });
});

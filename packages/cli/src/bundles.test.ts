// The bundles the containers run: each app's `build` script (tsup) bundles it, and the bundle is
// laid out as docker/Dockerfile lays out an image's /app (dist/, a hoisted node_modules, the API's
// samples and migrations), then started as `node dist/main.js` there. Each app must get ready on
// the test run's database and Redis, log no warning, and exit 0 on SIGTERM. Every other test runs
// the sources through tsx; this one runs what ships.
//
// The bundles go to a folder of this test's own (tsup --out-dir), never to apps/*/dist: a
// `turbo run build` or another test run at the same time cannot see or clobber them. The image's
// hoisted node_modules (`pnpm deploy --prod`, which needs the registry) is stood in for by one of
// links: the app's own dependencies, then the workspace root's, then every package pnpm hoists
// into node_modules/.pnpm/node_modules. The bundle resolves its external packages as it does in
// the image (Node's own lookup, ESM imports included), from a superset of its closure; that
// closure is checked by image-closure.test.ts and the container suite.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cp, mkdir, readdir, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { childEnv } from '@podfleet/config';
import { makeTempDir, waitFor } from '@podfleet/test-kit';
import { repoRoot } from './environment';
import { APPS, type AppName } from './supervisor';

const BUILD_TIMEOUT_MS = 180_000;

/** Runs a command to completion; rejects with its output when it fails. */
function run(command: string, args: string[], cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    for (const stream of [child.stdout, child.stderr])
      stream.on('data', (chunk: Buffer) => (output += chunk));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} exited ${code}\n${output}`)),
    );
  });
}

/** Links every package of `sources` into `target`, the first source's version of a name winning. */
async function linkPackages(target: string, sources: string[]): Promise<void> {
  const linked = new Set<string>();
  const linkAll = async (from: string, to: string, scope: string) => {
    for (const entry of await readdir(from, { withFileTypes: true })) {
      if (entry.name.startsWith('.')) continue; // .bin, .pnpm, pnpm's own state
      const name = join(scope, entry.name);
      if (!scope && entry.name.startsWith('@')) {
        await mkdir(join(to, entry.name), { recursive: true });
        await linkAll(join(from, entry.name), join(to, entry.name), entry.name);
      } else if (!linked.has(name)) {
        linked.add(name);
        await symlink(join(from, entry.name), join(to, entry.name), 'dir');
      }
    }
  };
  await mkdir(target, { recursive: true });
  for (const source of sources) await linkAll(source, target, '');
}

/** The app's image folder: its bundle built by its own `build` script, laid out as in the image. */
async function layOutImage(app: AppName, root: string): Promise<string> {
  const appDir = join(root, app);
  await mkdir(appDir, { recursive: true });
  await run(
    'npm',
    ['run', '--silent', 'build', '--', '--out-dir', join(appDir, 'dist')],
    join(repoRoot, 'apps', app),
  );
  await linkPackages(join(appDir, 'node_modules'), [
    join(repoRoot, 'apps', app, 'node_modules'),
    join(repoRoot, 'node_modules'),
    join(repoRoot, 'node_modules', '.pnpm', 'node_modules'),
  ]);
  if (app === 'api') {
    await cp(join(repoRoot, 'packages', 'providers', 'samples'), join(appDir, 'samples'), {
      recursive: true,
    });
    await cp(join(repoRoot, 'prisma'), join(appDir, 'prisma'), { recursive: true });
  }
  return appDir;
}

interface Started {
  child: ChildProcess;
  /** Every JSON log line the app wrote; other output lines as `{ msg: line }`. */
  lines: Array<Record<string, unknown>>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function startBundle(appDir: string, env: NodeJS.ProcessEnv): Started {
  const child = spawn(process.execPath, ['dist/main.js'], {
    cwd: appDir,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: Array<Record<string, unknown>> = [];
  for (const stream of [child.stdout, child.stderr])
    createInterface({ input: stream }).on('line', (line) => {
      try {
        lines.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        lines.push({ msg: line });
      }
    });
  // 'close', not 'exit': it comes after the last lines of output were read.
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal })),
  );
  return { child, lines, exited };
}

describe('the bundles the containers run (node dist/main.js)', () => {
  let images: Awaited<ReturnType<typeof makeTempDir>>;
  const appDirs = new Map<AppName, string>();
  const running: ChildProcess[] = [];
  const outer = childEnv();
  const env: NodeJS.ProcessEnv = {
    PATH: outer.PATH,
    HOME: outer.HOME,
    TMPDIR: outer.TMPDIR,
    // As in the image: production, the run's own database and a queue prefix under the run's.
    NODE_ENV: 'production',
    LOG_LEVEL: 'info',
    DATABASE_URL: outer.DATABASE_URL,
    REDIS_URL: outer.REDIS_URL,
    QUEUE_PREFIX: `${outer.QUEUE_PREFIX}-bundles`,
    PORT: '0',
    HEALTH_PORT: '0',
    ADMIN_API_KEY: `admin-${randomBytes(12).toString('hex')}`,
    MEDIA_URL_SECRET: randomBytes(32).toString('hex'),
    WEBHOOK_SECRET: randomBytes(32).toString('hex'),
    METRICS_TOKEN: randomBytes(16).toString('hex'),
    PUBLIC_BASE_URL: 'http://127.0.0.1:3000',
    SCRIPT_PROVIDER: 'local',
    TTS_PROVIDER: 'espeak',
    // No maintenance run while the app is up: it has nothing to do on an empty queue prefix.
    MAINTENANCE_INTERVAL_MS: '3600000',
    SHUTDOWN_TIMEOUT_MS: '5000',
  };

  beforeAll(async () => {
    images = await makeTempDir('pf-bundles-');
    env.STORAGE_DIR = join(images.dir, 'media');
    env.TTS_CACHE_DIR = join(images.dir, 'tts-cache');
    // One at a time: the machine's cores are shared with the other packages' tests.
    for (const app of APPS) appDirs.set(app, await layOutImage(app, images.dir));
  }, BUILD_TIMEOUT_MS);

  afterEach(() => {
    for (const child of running.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  });

  afterAll(async () => {
    await images?.remove();
  });

  /** The app's `ready` log line, and its readiness endpoint answering 200. */
  async function startUntilReady(app: AppName): Promise<Started> {
    const started = startBundle(appDirs.get(app)!, env);
    running.push(started.child);
    const exitedEarly = started.exited.then(({ code, signal }) => {
      const output = started.lines.map((l) => JSON.stringify(l)).join('\n');
      throw new Error(`${app} exited (${signal ?? code}) during start-up\n${output}`);
    });
    exitedEarly.catch(() => {}); // only raced below, until the app is ready
    const ready = await Promise.race([
      waitFor(() => started.lines.find((l) => l.msg === 'ready'), {
        timeoutMs: 45_000,
        intervalMs: 50,
        what: `${app} to log ready`,
      }),
      exitedEarly,
    ]);
    // The API serves /health (PostgreSQL, Redis, storage); a worker /readyz on HEALTH_PORT.
    const url =
      app === 'api' ? `http://127.0.0.1:${ready.port}/health` : `http://127.0.0.1:${ready.healthPort}/readyz`;
    await waitFor(async () => (await fetch(url)).status === 200, {
      timeoutMs: 15_000,
      intervalMs: 50,
      what: `${url} to answer 200`,
    });
    return started;
  }

  it.each(APPS)('%s: gets ready, logs no warning and exits 0 on SIGTERM', async (app) => {
    const { child, lines, exited } = await startUntilReady(app);
    child.kill('SIGTERM');
    expect(await exited).toEqual({ code: 0, signal: null });
    expect(lines.find((l) => l.msg === 'stopped')).toBeDefined();
    // A line with no level is not a log line: a crash or a tool's output.
    expect(lines.filter((l) => !['trace', 'debug', 'info'].includes(String(l.level)))).toEqual([]);
  });
});

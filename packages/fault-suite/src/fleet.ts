// The fleet under test: each worker app as its own process, started, killed and restarted by the
// scenarios. An app counts as up once its BullMQ workers are registered in Redis under its pid.
import { randomBytes } from 'node:crypto';
import type { QueueName, QueueSet } from '@podfleet/queue';
import { waitFor } from '@podfleet/test-kit';
import { type AppName, AppProcess, type Exit } from './app-process';

export const WORKER_APPS = ['scraper', 'audio', 'uploader'] as const satisfies readonly AppName[];
export type WorkerApp = (typeof WORKER_APPS)[number];

/** A queue each app serves, whose worker registration tells that the app is up. */
const READY_QUEUE: Record<WorkerApp, QueueName> = { scraper: 'script', audio: 'audio', uploader: 'upload' };

/** Where a test fleet's apps keep their state, and the admin key its API takes. */
export interface FleetPlaces {
  outer: NodeJS.ProcessEnv;
  databaseUrl: string;
  redisUrl: string;
  prefix: string;
  storageDir: string;
  cacheDir: string;
  adminKey: string;
}

/** The environment every app of a test fleet gets, before its providers' variables. */
export function fleetAppEnv(places: FleetPlaces): NodeJS.ProcessEnv {
  return {
    PATH: places.outer.PATH,
    HOME: places.outer.HOME,
    TMPDIR: places.outer.TMPDIR,
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    DATABASE_URL: places.databaseUrl,
    REDIS_URL: places.redisUrl,
    QUEUE_PREFIX: places.prefix,
    STORAGE_DRIVER: 'fs',
    STORAGE_DIR: places.storageDir,
    TTS_CACHE_DIR: places.cacheDir,
    ALLOW_PRIVATE_SOURCE_URLS: 'true',
    ADMIN_API_KEY: places.adminKey,
    MEDIA_URL_SECRET: randomBytes(32).toString('hex'),
    WEBHOOK_SECRET: randomBytes(32).toString('hex'),
    SHUTDOWN_TIMEOUT_MS: '1500',
  };
}

export class Fleet {
  private readonly apps = new Map<WorkerApp, AppProcess>();
  private api: AppProcess | undefined;
  /** Every process started, for the final clean-up. */
  private readonly started: AppProcess[] = [];

  constructor(
    private readonly env: NodeJS.ProcessEnv,
    private readonly queues: QueueSet,
  ) {}

  async start(app: WorkerApp): Promise<AppProcess> {
    const proc = new AppProcess(app, this.env);
    this.apps.set(app, proc);
    this.started.push(proc);
    const queue = this.queues[READY_QUEUE[app]];
    await waitFor(
      async () => {
        if (!proc.running) throw new Error(`${app} exited during start-up\n${proc.describe()}`);
        const workers = await queue.getWorkers();
        return workers.some((w) => String(w.rawname ?? '').endsWith(`:${proc.pid}`));
      },
      { timeoutMs: 45_000, intervalMs: 100, what: `${app} to be ready` },
    ).catch((err: Error) => {
      throw new Error(`${err.message}\n${proc.describe()}`, { cause: err });
    });
    return proc;
  }

  /**
   * Starts the API on `port` (default: a free one; a restarted API keeps its port, so the suite's
   * base URL stays valid); resolves with its base URL once it listens.
   */
  async startApi(port = 0): Promise<string> {
    const proc = new AppProcess('api', { ...this.env, PORT: String(port) });
    this.api = proc;
    this.started.push(proc);
    const listening = await proc.waitForLog((entry) =>
      entry.msg === 'ready' && typeof entry.port === 'number' ? entry.port : undefined,
    );
    return `http://127.0.0.1:${listening}`;
  }

  async startAll(): Promise<void> {
    await Promise.all(WORKER_APPS.map((app) => this.start(app)));
  }

  /** Starts whichever app is not running (a previous scenario may have failed mid-way). */
  async ensureRunning(): Promise<void> {
    await Promise.all(
      WORKER_APPS.filter((app) => !this.apps.get(app)?.running).map((app) => this.start(app)),
    );
  }

  /** Sends `signal` to the API and waits for it to exit. */
  stopApi(signal: NodeJS.Signals): Promise<Exit> {
    if (!this.api) throw new Error('the API was never started');
    return this.api.stop(signal);
  }

  get(app: WorkerApp): AppProcess {
    const proc = this.apps.get(app);
    if (!proc) throw new Error(`${app} was never started`);
    return proc;
  }

  stop(app: WorkerApp, signal: NodeJS.Signals): Promise<Exit> {
    return this.get(app).stop(signal);
  }

  /** The recent output of the current processes (the API and each worker app), for failure messages. */
  describe(): string {
    const current = [...this.apps.values(), ...(this.api ? [this.api] : [])];
    return current.map((p) => p.describe()).join('\n\n');
  }

  /** SIGTERM, then SIGKILL whatever is still up after `graceMs`. */
  async stopAll(graceMs = 10_000): Promise<void> {
    await Promise.all(
      this.started
        .filter((p) => p.running)
        .map(async (p) => {
          const timer = setTimeout(() => p.child.kill('SIGKILL'), graceMs);
          await p.stop('SIGTERM');
          clearTimeout(timer);
        }),
    );
  }
}

/**
 * Starts the API and every worker: the API's URL. When any fails to start, `close` stops what
 * did (with a short grace) before the error is rethrown.
 */
export async function startFleet(fleet: Fleet, close: (graceMs: number) => Promise<void>): Promise<string> {
  try {
    const [apiUrl] = await Promise.all([fleet.startApi(), fleet.startAll()]);
    return apiUrl;
  } catch (err) {
    await close(2_000);
    throw err;
  }
}

import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, envNames, parseConfig, readEnv } from './index';

const signingSecrets = { MEDIA_URL_SECRET: 'm'.repeat(32), WEBHOOK_SECRET: 'w'.repeat(32) };
const validApi = { ADMIN_API_KEY: 'a'.repeat(24), ...signingSecrets };

function problemsOf(fn: () => unknown): ConfigError['problems'] {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('parseConfig', () => {
  it('fills documented defaults', () => {
    const config = parseConfig('api', validApi);
    expect(config.PORT).toBe(3000);
    expect(config.QUEUE_PREFIX).toBe('podfleet');
    expect(config.REDIS_URL).toBe('redis://127.0.0.1:6379');
    expect(config.DATABASE_URL).toBe('postgresql://postgres@127.0.0.1:5432/podfleet');
    expect(config.STORAGE_DRIVER).toBe('fs');
    expect(config.ALLOW_PRIVATE_SOURCE_URLS).toBe(false);
  });

  it('coerces numbers and booleans', () => {
    const config = parseConfig('scraper', { SCRAPE_CONCURRENCY: '7', ALLOW_PRIVATE_SOURCE_URLS: 'true' });
    expect(config.SCRAPE_CONCURRENCY).toBe(7);
    expect(config.ALLOW_PRIVATE_SOURCE_URLS).toBe(true);
  });

  it('reports every invalid or missing variable at once', () => {
    const problems = problemsOf(() =>
      parseConfig('api', { PORT: 'eighty', REDIS_URL: 'http://nope', ALLOW_PRIVATE_SOURCE_URLS: 'maybe' }),
    );
    const names = problems.map((p) => p.name).sort();
    expect(names).toEqual([
      'ADMIN_API_KEY',
      'ALLOW_PRIVATE_SOURCE_URLS',
      'MEDIA_URL_SECRET',
      'PORT',
      'REDIS_URL',
      'WEBHOOK_SECRET',
    ]);
    expect(problems.find((p) => p.name === 'ADMIN_API_KEY')?.message).toBe('is required but not set');
    expect(problems.find((p) => p.name === 'REDIS_URL')?.message).toMatch(/redis:\/\//);
    expect(problems.find((p) => p.name === 'PORT')?.received).toBe('eighty');
  });

  it('never echoes secret values', () => {
    const problems = problemsOf(() =>
      parseConfig('api', {
        ADMIN_API_KEY: 'short-secret',
        MEDIA_URL_SECRET: 'm'.repeat(31),
        WEBHOOK_SECRET: 'w',
      }),
    );
    expect(problems).toEqual([
      { name: 'MEDIA_URL_SECRET', message: expect.stringMatching(/^expected at least 32 characters/) },
      { name: 'WEBHOOK_SECRET', message: expect.stringMatching(/^expected at least 32 characters/) },
      { name: 'ADMIN_API_KEY', message: 'expected at least 16 characters' },
    ]);
  });

  it('applies cross-variable rules', () => {
    expect(
      problemsOf(() => parseConfig('uploader', { ...signingSecrets, STORAGE_DRIVER: 's3' })).map(
        (p) => p.name,
      ),
    ).toEqual(['S3_BUCKET']);
    expect(problemsOf(() => parseConfig('scraper', { SCRIPT_PROVIDER: 'anthropic' }))[0]).toEqual({
      name: 'ANTHROPIC_API_KEY',
      message: 'required when SCRIPT_PROVIDER=anthropic',
    });
    expect(problemsOf(() => parseConfig('audio', { TTS_PROVIDER: 'elevenlabs' }))[0]?.name).toBe(
      'ELEVENLABS_API_KEY',
    );
    expect(
      problemsOf(() => parseConfig('base', { NODE_ENV: 'production', ALLOW_PRIVATE_SOURCE_URLS: 'true' }))[0]
        ?.name,
    ).toBe('ALLOW_PRIVATE_SOURCE_URLS');
  });

  it('needs an OpenAI key only for api.openai.com, and reads the speech settings', () => {
    expect(problemsOf(() => parseConfig('scraper', { SCRIPT_PROVIDER: 'openai' }))[0]).toEqual({
      name: 'OPENAI_API_KEY',
      message: 'required when SCRIPT_PROVIDER=openai with api.openai.com',
    });
    const local = parseConfig('scraper', {
      SCRIPT_PROVIDER: 'openai',
      OPENAI_BASE_URL: 'http://localhost:11434/v1',
      OPENAI_MODEL: 'llama3.1:8b',
      OPENAI_PRICE_INPUT_PER_MTOK: '0.5',
    });
    expect(local).toMatchObject({
      OPENAI_MODEL: 'llama3.1:8b',
      OPENAI_STRUCTURED_OUTPUT: 'json_schema',
      OPENAI_PRICE_INPUT_PER_MTOK: 0.5,
    });
    expect(local.OPENAI_API_KEY).toBeUndefined();
    expect(problemsOf(() => parseConfig('audio', { TTS_PROVIDER: 'openai' }))[0]?.name).toBe(
      'OPENAI_TTS_API_KEY',
    );
    expect(parseConfig('audio', { TTS_PROVIDER: 'openai', OPENAI_API_KEY: 'sk-1' }).OPENAI_TTS_MODEL).toBe(
      'tts-1',
    );
    // The chat server's key is not sent to another speech server.
    expect(
      problemsOf(() =>
        parseConfig('audio', {
          TTS_PROVIDER: 'openai',
          OPENAI_BASE_URL: 'http://localhost:11434/v1',
          OPENAI_API_KEY: 'sk-1',
          OPENAI_TTS_BASE_URL: 'https://api.openai.com/v1',
        }),
      )[0]?.name,
    ).toBe('OPENAI_TTS_API_KEY');
    const kokoro = parseConfig('audio', {
      TTS_PROVIDER: 'openai',
      OPENAI_TTS_BASE_URL: 'http://localhost:8880/v1',
      OPENAI_TTS_VOICES: ' af_bella, am_adam,,af_bella ',
      OPENAI_TTS_FORMAT: 'pcm',
    });
    expect(kokoro).toMatchObject({ OPENAI_TTS_VOICES: ['af_bella', 'am_adam'], OPENAI_TTS_FORMAT: 'pcm' });
    expect(problemsOf(() => parseConfig('audio', { OPENAI_TTS_VOICES: ' , ' }))[0]?.name).toBe(
      'OPENAI_TTS_VOICES',
    );
  });

  it('reads the speech-to-text settings: off by default, keys only for the server they belong to', () => {
    const off = parseConfig('audio', {});
    expect(off).toMatchObject({
      ASR_PROVIDER: 'none',
      OPENAI_ASR_MODEL: 'whisper-1',
      OPENAI_ASR_CHUNK_SEC: 600,
      OPENAI_ASR_OVERLAP_SEC: 5,
      OPENAI_ASR_CONCURRENCY: 2,
    });
    expect(problemsOf(() => parseConfig('audio', { ASR_PROVIDER: 'openai' }))[0]?.name).toBe(
      'OPENAI_ASR_API_KEY',
    );
    expect(parseConfig('audio', { ASR_PROVIDER: 'openai', OPENAI_API_KEY: 'sk-1' }).ASR_PROVIDER).toBe(
      'openai',
    );
    // The chat server's key is not sent to another transcription server.
    expect(
      problemsOf(() =>
        parseConfig('audio', {
          ASR_PROVIDER: 'openai',
          OPENAI_BASE_URL: 'http://localhost:11434/v1',
          OPENAI_API_KEY: 'sk-1',
          OPENAI_ASR_BASE_URL: 'https://api.openai.com/v1',
        }),
      )[0]?.name,
    ).toBe('OPENAI_ASR_API_KEY');
    const speaches = parseConfig('audio', {
      ASR_PROVIDER: 'openai',
      OPENAI_ASR_BASE_URL: 'http://localhost:8000/v1',
      OPENAI_ASR_MODEL: 'Systran/faster-whisper-small',
      OPENAI_ASR_CHUNK_SEC: '120',
      OPENAI_ASR_OVERLAP_SEC: '2.5',
    });
    expect(speaches).toMatchObject({ OPENAI_ASR_CHUNK_SEC: 120, OPENAI_ASR_OVERLAP_SEC: 2.5 });
    expect(speaches.OPENAI_ASR_API_KEY).toBeUndefined();
    // 64 kbit/s chunks: past 3000 s one would pass OpenAI's 25 MB.
    expect(problemsOf(() => parseConfig('audio', { OPENAI_ASR_CHUNK_SEC: '3600' }))[0]?.name).toBe(
      'OPENAI_ASR_CHUNK_SEC',
    );
  });

  it('refuses a PREGENERATE_CRON whose hour field is not one hour (the scheduler targets that local hour)', () => {
    expect(parseConfig('scraper', { PREGENERATE_CRON: ' 15 22 * * 1-5 ' }).PREGENERATE_CRON).toBe(
      ' 15 22 * * 1-5 ',
    );
    for (const cron of ['0 */2 * * *', '0 24 * * *', '0 1-3 * * *']) {
      expect(problemsOf(() => parseConfig('scraper', { PREGENERATE_CRON: cron }))[0]).toMatchObject({
        name: 'PREGENERATE_CRON',
        message: expect.stringMatching(/hour field/),
      });
    }
    expect(problemsOf(() => parseConfig('scraper', { PREGENERATE_CRON: '0 3 * *' }))[0]?.message).toMatch(
      /five-field/,
    );
  });

  it("refuses a PREGENERATE_CRON that BullMQ's cron parser would refuse (it would throw inside scheduler set-up)", () => {
    for (const [cron, why] of [
      ['61 3 * * *', /not a valid cron expression: .*61.*0-59/],
      ['0 3 * * 8', /not a valid cron expression: .*8.*0-7/],
      ['0 3 31 2 *', /not a valid cron expression/],
    ] as const) {
      expect(problemsOf(() => parseConfig('scraper', { PREGENERATE_CRON: cron }))).toEqual([
        expect.objectContaining({ name: 'PREGENERATE_CRON', message: expect.stringMatching(why) }),
      ]);
    }
    expect(parseConfig('scraper', { PREGENERATE_CRON: '59 3 * * 7' }).PREGENERATE_CRON).toBe('59 3 * * 7');
  });

  it('gives every worker the per-user active-job limit the API admits by', () => {
    for (const app of ['scraper', 'audio', 'uploader', 'api'] as const) {
      const env = app === 'api' ? validApi : app === 'uploader' ? signingSecrets : {};
      expect(parseConfig(app, { ...env, USER_MAX_ACTIVE_JOBS: '7' }).USER_MAX_ACTIVE_JOBS).toBe(7);
    }
  });

  it('wants PUBLIC_BASE_URL for the uploader in production (webhook bodies carry links)', () => {
    const uploaderProduction = { ...signingSecrets, NODE_ENV: 'production' };
    expect(problemsOf(() => parseConfig('uploader', uploaderProduction))).toEqual([
      { name: 'PUBLIC_BASE_URL', message: expect.stringMatching(/^required when NODE_ENV=production/) },
    ]);
    expect(() =>
      parseConfig('uploader', { ...uploaderProduction, PUBLIC_BASE_URL: 'https://pods.example.com' }),
    ).not.toThrow();
    expect(() => parseConfig('uploader', signingSecrets)).not.toThrow(); // development: localhost is right
  });

  it('refuses an API in production without METRICS_TOKEN or PUBLIC_BASE_URL (issue #18)', () => {
    const production = { ...validApi, NODE_ENV: 'production' };
    expect(problemsOf(() => parseConfig('api', production))).toEqual([
      { name: 'METRICS_TOKEN', message: expect.stringMatching(/^required when NODE_ENV=production/) },
      { name: 'PUBLIC_BASE_URL', message: expect.stringMatching(/Host header/) },
    ]);
    const complete = {
      ...production,
      METRICS_TOKEN: 't'.repeat(16),
      PUBLIC_BASE_URL: 'https://p.example.com',
    };
    expect(parseConfig('api', complete).METRICS_TOKEN).toBe('t'.repeat(16));
    expect(() => parseConfig('api', validApi)).not.toThrow(); // development: both optional
  });

  it('reads Bull Board users as name:scrypt-hash pairs and never echoes a bad entry', () => {
    const hash = 'scrypt$16384$8$1$c2FsdHNhbHQ=$a2V5a2V5a2V5';
    const config = parseConfig('api', { ...validApi, BULL_BOARD_USERS: `ops:${hash}, lead:${hash}` });
    expect(config.BULL_BOARD_USERS).toEqual([
      { name: 'ops', hash },
      { name: 'lead', hash },
    ]);
    expect(config.BULL_BOARD_VIEWERS).toEqual([]);
    const problems = problemsOf(() =>
      parseConfig('api', { ...validApi, BULL_BOARD_VIEWERS: 'viewer:plain-password-here' }),
    );
    expect(problems).toEqual([{ name: 'BULL_BOARD_VIEWERS', message: expect.stringMatching(/^entry 1 /) }]);
    expect(JSON.stringify(problems)).not.toContain('plain-password-here');
  });

  it('defaults the stream, authentication and key limits and a one-day signed URL lifetime', () => {
    const config = parseConfig('api', validApi);
    expect(config).toMatchObject({
      USER_MAX_STREAMS: 5,
      MAX_STREAMS: 1000,
      SSE_MAX_STREAM_SEC: 900,
      AUTH_FAILURES_PER_MINUTE: 20,
      USER_MAX_API_KEYS: 10,
      SIGNED_URL_TTL_SEC: 86_400,
    });
  });

  it('rejects a queue prefix that would break Redis key layout', () => {
    expect(problemsOf(() => parseConfig('base', { QUEUE_PREFIX: 'a:b' }))[0]?.name).toBe('QUEUE_PREFIX');
  });
});

describe('worker roles and health', () => {
  it('gives each worker app all its queues unless WORKER_QUEUES picks some, in the order given', () => {
    expect(parseConfig('scraper', {}).WORKER_QUEUES).toEqual(['scrape', 'script', 'pregenerate']);
    expect(parseConfig('audio', {}).WORKER_QUEUES).toEqual(['audio', 'clips']);
    expect(parseConfig('uploader', signingSecrets).WORKER_QUEUES).toEqual(['upload', 'webhooks']);
    expect(parseConfig('scraper', { WORKER_QUEUES: ' script, scrape,script ' }).WORKER_QUEUES).toEqual([
      'script',
      'scrape',
    ]);
  });

  it("refuses a queue the app does not serve, naming it and the app's queues", () => {
    expect(problemsOf(() => parseConfig('scraper', { WORKER_QUEUES: 'audio' }))).toEqual([
      {
        name: 'WORKER_QUEUES',
        message: 'unknown queue "audio": scraper serves scrape, script, pregenerate',
        received: 'audio',
      },
    ]);
    expect(
      problemsOf(() => parseConfig('uploader', { ...signingSecrets, WORKER_QUEUES: 'upload,scrpe' })),
    ).toEqual([
      expect.objectContaining({ message: 'unknown queue "scrpe": uploader serves upload, webhooks' }),
    ]);
    expect(problemsOf(() => parseConfig('audio', { WORKER_QUEUES: 'maintenance' }))[0]?.message).toBe(
      'maintenance always runs and is not listed; audio serves audio, clips',
    );
    expect(problemsOf(() => parseConfig('audio', { WORKER_QUEUES: ' , ' }))[0]?.message).toBe(
      'expected at least one queue: audio serves audio, clips',
    );
  });

  it('reads HEALTH_PORT (unset: no server; 0: a free port) and the event-loop lag bound', () => {
    expect(parseConfig('audio', {}).HEALTH_PORT).toBeUndefined();
    expect(parseConfig('audio', {}).HEALTH_MAX_EVENT_LOOP_LAG_MS).toBe(2_000);
    expect(parseConfig('scraper', { HEALTH_PORT: '0' }).HEALTH_PORT).toBe(0);
    expect(parseConfig('uploader', { ...signingSecrets, HEALTH_PORT: '8081' }).HEALTH_PORT).toBe(8081);
    const problems = problemsOf(() =>
      parseConfig('scraper', { HEALTH_PORT: '70000', HEALTH_MAX_EVENT_LOOP_LAG_MS: '0', WORKER_QUEUES: 'x' }),
    );
    expect(problems.map((p) => p.name).sort()).toEqual([
      'HEALTH_MAX_EVENT_LOOP_LAG_MS',
      'HEALTH_PORT',
      'WORKER_QUEUES',
    ]);
  });

  it('gives the API no worker names', () => {
    const api = parseConfig('api', { ...validApi, WORKER_QUEUES: 'audio', HEALTH_PORT: '1' });
    expect(api).not.toHaveProperty('WORKER_QUEUES');
    expect(api).not.toHaveProperty('HEALTH_PORT');
  });
});

describe('job retention and alerts (every worker runs the maintenance tasks)', () => {
  it('keeps 90 days of jobs and sends no alerts by default', () => {
    const audio = parseConfig('audio', {});
    expect(audio).toMatchObject({
      JOB_RETENTION_DAYS: 90,
      ALERT_FAILURE_RATE: 0.2,
      ALERT_WINDOW_SEC: 900,
      ALERT_QUEUE_AGE_SEC: 600,
    });
    expect(audio.ALERT_WEBHOOK_URL).toBeUndefined();
    expect(audio.ALERT_COST_USD_PER_DAY).toBeUndefined();
    expect(parseConfig('api', validApi)).not.toHaveProperty('JOB_RETENTION_DAYS');
  });

  it('reads the alert settings and refuses values that cannot be meant', () => {
    const scraper = parseConfig('scraper', {
      JOB_RETENTION_DAYS: '0',
      ALERT_WEBHOOK_URL: 'https://hooks.example.test/services/x',
      ALERT_COST_USD_PER_DAY: '12.5',
    });
    expect(scraper).toMatchObject({
      JOB_RETENTION_DAYS: 0,
      ALERT_WEBHOOK_URL: 'https://hooks.example.test/services/x',
      ALERT_COST_USD_PER_DAY: 12.5,
    });
    const problems = problemsOf(() =>
      parseConfig('scraper', {
        JOB_RETENTION_DAYS: '-1',
        ALERT_WEBHOOK_URL: 'ftp://hooks.example.test',
        ALERT_FAILURE_RATE: '1.5',
        ALERT_QUEUE_AGE_SEC: '0',
        ALERT_COST_USD_PER_DAY: '0',
      }),
    );
    expect(problems.map((p) => p.name).sort()).toEqual([
      'ALERT_COST_USD_PER_DAY',
      'ALERT_FAILURE_RATE',
      'ALERT_QUEUE_AGE_SEC',
      'ALERT_WEBHOOK_URL',
      'JOB_RETENTION_DAYS',
    ]);
  });
});

describe('tracing', () => {
  it('is off unless OTEL_EXPORTER_OTLP_ENDPOINT is set, for every app', () => {
    expect(parseConfig('audio', {}).OTEL_EXPORTER_OTLP_ENDPOINT).toBeUndefined();
    expect(
      parseConfig('api', { ...validApi, OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel:4318' }),
    ).toMatchObject({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel:4318',
    });
    expect(problemsOf(() => parseConfig('scraper', { OTEL_EXPORTER_OTLP_ENDPOINT: 'otel:4318' }))).toEqual([
      expect.objectContaining({ name: 'OTEL_EXPORTER_OTLP_ENDPOINT' }),
    ]);
  });

  it('reads OTEL_EXPORTER_OTLP_HEADERS as the spec writes them, never echoing a value', () => {
    const config = parseConfig('uploader', {
      ...signingSecrets,
      OTEL_EXPORTER_OTLP_HEADERS: 'x-api-key=abc123, Authorization=Basic%20dXNlcjpwYXNz',
    });
    expect(config.OTEL_EXPORTER_OTLP_HEADERS).toEqual({
      'x-api-key': 'abc123',
      Authorization: 'Basic dXNlcjpwYXNz',
    });
    const problems = problemsOf(() =>
      parseConfig('audio', { OTEL_EXPORTER_OTLP_HEADERS: 'x-api-key=ok,secret-token-without-key' }),
    );
    expect(problems).toEqual([expect.objectContaining({ name: 'OTEL_EXPORTER_OTLP_HEADERS' })]);
    expect(JSON.stringify(problems)).not.toContain('secret-token');
    expect(problems[0]?.message).toContain('pair 2');
  });
});

describe('secrets per app', () => {
  const names = (config: object) => Object.keys(config).filter((n) => /ADMIN|SECRET/.test(n));

  it('the API needs the admin key and both signing secrets, and names each one missing', () => {
    expect(problemsOf(() => parseConfig('api', {}))).toEqual([
      { name: 'MEDIA_URL_SECRET', message: 'is required but not set' },
      { name: 'WEBHOOK_SECRET', message: 'is required but not set' },
      { name: 'ADMIN_API_KEY', message: 'is required but not set' },
    ]);
    expect(names(parseConfig('api', validApi)).sort()).toEqual([
      'ADMIN_API_KEY',
      'MEDIA_URL_SECRET',
      'WEBHOOK_SECRET',
    ]);
  });

  it('the uploader needs both signing secrets, names each one missing, and never reads the admin key', () => {
    expect(problemsOf(() => parseConfig('uploader', {}))).toEqual([
      { name: 'MEDIA_URL_SECRET', message: 'is required but not set' },
      { name: 'WEBHOOK_SECRET', message: 'is required but not set' },
    ]);
    const config = parseConfig('uploader', { ...signingSecrets, ADMIN_API_KEY: 'a'.repeat(24) });
    expect(names(config).sort()).toEqual(['MEDIA_URL_SECRET', 'WEBHOOK_SECRET']);
  });

  it('the scraper (untrusted HTML) and the audio worker hold no admin or signing secret', () => {
    for (const app of ['scraper', 'audio'] as const) {
      expect({ app, secrets: names(parseConfig(app, {})) }).toEqual({ app, secrets: [] });
      // Given them anyway (a shared environment), they are left out of the config.
      expect({ app, secrets: names(parseConfig(app, validApi)) }).toEqual({ app, secrets: [] });
    }
  });

  it('refuses a signing secret equal to the admin key (it would hand the uploader the admin key)', () => {
    const adminKey = 'a'.repeat(40); // long enough to be a signing secret too
    const problems = problemsOf(() =>
      parseConfig('api', { ...validApi, ADMIN_API_KEY: adminKey, WEBHOOK_SECRET: adminKey }),
    );
    expect(problems).toEqual([
      { name: 'WEBHOOK_SECRET', message: expect.stringMatching(/^must differ from ADMIN_API_KEY/) },
    ]);
    // The two signing secrets may be equal: each purpose derives its own key from it.
    expect(() =>
      parseConfig('api', { ...validApi, WEBHOOK_SECRET: validApi.MEDIA_URL_SECRET }),
    ).not.toThrow();
  });
});

describe('readEnv', () => {
  it('reads .env under real variables, which win, and treats empty values as unset', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pf-env-'));
    const file = join(dir, '.env');
    writeFileSync(file, 'PORT=4000\nQUEUE_PREFIX=fromfile\nLOG_LEVEL=\n');
    const env = readEnv({ QUEUE_PREFIX: 'fromenv' }, file);
    expect(env.PORT).toBe('4000');
    expect(env.QUEUE_PREFIX).toBe('fromenv');
    expect(env.LOG_LEVEL).toBeUndefined();
  });
});

describe('.env.example', () => {
  it('documents every variable the apps read, each with a comment', () => {
    const { readFileSync } = require('node:fs') as typeof import('node:fs');
    const example = readFileSync(join(__dirname, '../../../.env.example'), 'utf8').split('\n');
    for (const name of envNames) {
      const index = example.findIndex((line) => new RegExp(`^#?\\s*${name}=`).test(line));
      expect({ name, documented: index >= 0 }).toEqual({ name, documented: true });
      expect({ name, comment: example[index - 1]?.startsWith('#') }).toEqual({ name, comment: true });
    }
  });
});

describe('loadConfigOrExit', () => {
  const tsx = join(__dirname, '../../../node_modules/.bin/tsx');
  const start = (app: string, env: Record<string, string>) =>
    spawnSync(tsx, ['-e', `require('./src/index').loadConfigOrExit('${app}')`], {
      cwd: join(__dirname, '..'),
      env: { PATH: process.env.PATH, ...env },
      encoding: 'utf8',
    });

  it('prints every problem without a stack trace and exits 1', () => {
    const result = start('api', { PORT: '-1', REDIS_URL: 'nope' });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('Invalid configuration for api (5 problems)');
    for (const secret of ['ADMIN_API_KEY', 'MEDIA_URL_SECRET', 'WEBHOOK_SECRET'])
      expect(result.stderr).toContain(`${secret}: is required but not set`);
    expect(result.stderr).toContain('PORT');
    expect(result.stderr).toContain('REDIS_URL');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('stops the uploader without its signing secrets, naming them and not the admin key', () => {
    const result = start('uploader', {});
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('Invalid configuration for uploader (2 problems)');
    expect(result.stderr).toContain('MEDIA_URL_SECRET: is required but not set');
    expect(result.stderr).toContain('WEBHOOK_SECRET: is required but not set');
    expect(result.stderr).not.toContain('ADMIN_API_KEY');
  });
});

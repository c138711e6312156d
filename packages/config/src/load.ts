import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parse as parseDotenv } from 'dotenv';
import type { z } from 'zod';
import { type ConfigName, type ConfigOf, schemas } from './schema';

export type Env = Record<string, string | undefined>;

/** Every problem with the environment, reported at once. */
export class ConfigError extends Error {
  constructor(
    readonly app: string,
    readonly problems: Array<{ name: string; message: string; received?: string }>,
  ) {
    super(
      `Invalid configuration for ${app} (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n` +
        problems
          .map(
            (p) => `  - ${p.name}: ${p.message}${p.received === undefined ? '' : ` (got "${p.received}")`}`,
          )
          .join('\n') +
        '\nSee .env.example for every variable and its meaning.',
    );
    this.name = 'ConfigError';
  }
}

/** Names whose values must never be echoed back in an error (exporter headers carry API keys). */
const SECRET = /KEY|SECRET|PASSWORD|TOKEN|HEADERS|USERS|VIEWERS/;

function describeIssue(
  issue: z.core.$ZodIssue,
  env: Env,
): { name: string; message: string; received?: string } {
  const name = String(issue.path[0] ?? '(environment)');
  const raw = env[name];
  const message =
    raw === undefined && issue.code === 'invalid_type' ? 'is required but not set' : issue.message;
  const received = raw === undefined || SECRET.test(name) ? undefined : raw.slice(0, 80);
  return received === undefined ? { name, message } : { name, message, received };
}

/** Finds `.env` in the working directory or the nearest ancestor that is the workspace root. */
export function findDotenv(from = process.cwd()): string | undefined {
  let dir = resolve(from);
  for (;;) {
    const candidate = join(dir, '.env');
    if (existsSync(candidate)) return candidate;
    if (existsSync(join(dir, 'pnpm-workspace.yaml'))) return undefined;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/**
 * The environment as the apps see it: `.env` values (if a file is found) under real variables,
 * which win. Empty strings count as unset so `FOO=` in a file means "use the default".
 */
export function readEnv(source: Env = process.env, dotenvPath = findDotenv()): Env {
  const fromFile = dotenvPath ? parseDotenv(readFileSync(dotenvPath)) : {};
  const merged: Env = { ...fromFile, ...source };
  return Object.fromEntries(Object.entries(merged).filter(([, v]) => v !== undefined && v !== ''));
}

export function parseConfig<N extends ConfigName>(name: N, env: Env): ConfigOf<N> {
  const result = schemas[name].safeParse(env);
  if (result.success) return result.data as ConfigOf<N>;
  const problems = result.error.issues.map((issue) => describeIssue(issue, env));
  throw new ConfigError(name, problems);
}

const cache = new Map<ConfigName, unknown>();

/** The validated config of one app, parsed once per process. */
export function loadConfig<N extends ConfigName>(name: N): ConfigOf<N> {
  if (!cache.has(name)) cache.set(name, parseConfig(name, readEnv()));
  return cache.get(name) as ConfigOf<N>;
}

/** Shared names only (database, Redis, storage...). */
export function baseConfig(): ConfigOf<'base'> {
  return loadConfig('base');
}

/** For tests that change the environment between cases. */
export function resetConfigCache(): void {
  cache.clear();
}

/**
 * Apps call this at start: on invalid config print every problem and exit 1 (no stack trace).
 */
export function loadConfigOrExit<N extends ConfigName>(name: N): ConfigOf<N> {
  try {
    return loadConfig(name);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
}

/** A copy of the environment for a child process, with overrides. */
export function childEnv(overrides: Env = {}): NodeJS.ProcessEnv {
  return { ...process.env, ...overrides };
}

import { randomBytes } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { type Env, readEnv } from '@podfleet/config';

const SIGNING_SECRETS = ['MEDIA_URL_SECRET', 'WEBHOOK_SECRET'] as const;

export type DemoSigningSecrets = Record<(typeof SIGNING_SECRETS)[number], string>;

/**
 * The demo's signing secrets: each from `env` when set there, otherwise generated once and kept in
 * `file` (dotenv format), so the audio URLs and webhook secrets one demo run hands out still hold
 * in the next run over the same data. Only generated values are written.
 */
export function demoSigningSecrets(env: Env, file: string): DemoSigningSecrets {
  const kept = existsSync(file) ? readEnv({}, file) : {};
  const missing = SIGNING_SECRETS.filter((name) => !env[name] && !kept[name]);
  if (missing.length > 0) {
    mkdirSync(dirname(file), { recursive: true });
    const lines = missing.map((name) => `${name}=${randomBytes(32).toString('hex')}\n`);
    appendFileSync(file, lines.join(''), { mode: 0o600 });
  }
  const merged = readEnv(env, file);
  return { MEDIA_URL_SECRET: merged.MEDIA_URL_SECRET!, WEBHOOK_SECRET: merged.WEBHOOK_SECRET! };
}

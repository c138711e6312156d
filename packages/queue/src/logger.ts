import { traceLogFields } from '@podfleet/telemetry';
import { type DestinationStream, type LevelWithSilent, type Logger, pino } from 'pino';
import { redactSecrets } from './redact';

export type { Logger } from 'pino';

const SECRET_KEYS = [
  'authorization',
  'apiKey',
  'password',
  'secret',
  'token',
  'xi-api-key',
  'x-api-key',
  'cookie',
];

/** `apiKey` → `.apiKey`; `x-api-key` → `["x-api-key"]` (redaction path syntax). */
const access = (key: string) => (/^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `["${key}"]`);

/**
 * Secret fields are redacted at the top level, one level down (`config.apiKey`) and in any
 * object's headers (`req.headers.authorization`, `request.headers["xi-api-key"]`).
 */
export const REDACT_PATHS: string[] = SECRET_KEYS.flatMap((key) => [
  access(key).replace(/^\./, ''),
  `*${access(key)}`,
  `*.headers${access(key)}`,
]).concat(['res.headers["set-cookie"]']);

export interface LoggerOptions {
  app: string;
  level: LevelWithSilent;
  /** Where lines go; stdout by default. Tests pass a stream to read them back. */
  destination?: DestinationStream;
}

/**
 * One JSON line per entry, `app` on every line, secrets replaced by "[redacted]": the paths above,
 * and (redactSecrets) secret keys at any depth, secrets in URLs' query strings and errors'
 * fields, whatever the object logged (nested headers, a webhook secret in a payload). A line written
 * inside a traced span (a job's processor, an API request) carries its `trace_id` and `span_id`,
 * whichever logger wrote it.
 */
export function createLogger({ app, level, destination }: LoggerOptions): Logger {
  return pino(
    {
      level,
      base: { app },
      mixin: traceLogFields,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }), log: (object) => redactSecrets(object) },
      // `err` arrives already serialized and redacted by the formatter above; pino's own serializer
      // would serialize that plain object again (as type "Object").
      serializers: { err: (err: unknown) => (err instanceof Error ? redactSecrets(err) : err) },
    },
    destination,
  );
}

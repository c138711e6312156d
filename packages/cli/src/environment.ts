import { join } from 'node:path';
import { parseConfig, readEnv } from '@podfleet/config';
import {
  findExecutable,
  isLocalUrl,
  type ManagedService,
  missingServiceMessage,
  probePostgres,
  probeRedis,
  startEmbeddedPostgres,
  startLocalRedis,
} from './services';

export const repoRoot = join(__dirname, '..', '..', '..');

/** Exit with a message meant for a person: no stack trace. */
export class UserFacingError extends Error {}

export interface Services {
  redisUrl: string;
  databaseUrl: string;
  started: ManagedService[];
  stopAll(): Promise<void>;
}

/**
 * Finds Redis and PostgreSQL at the configured URLs. With `startMissing` (the demo), a missing
 * local Redis is started from `redis-server` on PATH and a missing PostgreSQL is replaced by an
 * embedded one; otherwise a missing service is an error that says where we looked.
 */
export async function discoverServices({
  startMissing,
  log,
}: {
  startMissing: boolean;
  log: (line: string) => void;
}): Promise<Services> {
  const config = parseConfig('base', readEnv());
  const started: ManagedService[] = [];
  const stopAll = async () => {
    await Promise.all(started.splice(0).map((s) => s.stop()));
  };
  try {
    const [redis, postgres] = await Promise.all([
      probeRedis(config.REDIS_URL),
      probePostgres(config.DATABASE_URL),
    ]);
    let redisUrl = config.REDIS_URL;
    let databaseUrl = config.DATABASE_URL;
    const problems: string[] = [];

    if (!redis.ok) {
      const redisServer = findExecutable('redis-server');
      if (startMissing && redisServer && isLocalUrl(config.REDIS_URL)) {
        const service = await startLocalRedis(redisServer);
        started.push(service);
        redisUrl = service.url;
        log(
          `Redis was not reachable at ${config.REDIS_URL} (${redis.reason}); started ${service.description}`,
        );
      } else {
        problems.push(missingServiceMessage('redis', config.REDIS_URL, redis.reason));
      }
    }
    if (!postgres.ok) {
      if (startMissing && isLocalUrl(config.DATABASE_URL)) {
        const service = await startEmbeddedPostgres(join(repoRoot, 'data', 'pglite'));
        started.push(service);
        const url = new URL(service.url);
        url.pathname = new URL(config.DATABASE_URL).pathname;
        databaseUrl = url.toString();
        log(
          `PostgreSQL was not reachable at ${config.DATABASE_URL} (${postgres.reason}); started ${service.description}`,
        );
      } else {
        problems.push(missingServiceMessage('postgres', config.DATABASE_URL, postgres.reason));
      }
    }
    if (problems.length > 0) throw new UserFacingError(problems.join('\n\n'));
    return { redisUrl, databaseUrl, started, stopAll };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

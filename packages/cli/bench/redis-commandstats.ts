// Commands a Redis server has run, by name, from INFO commandstats. Read from a Redis the bench
// started for itself, the difference between two readings is the fleet's alone. The server
// counts every command it runs: each one a client sent (MULTI and EXEC included, each command
// queued between them too) and each redis.call inside a Lua script, so an EVALSHA of one of
// BullMQ's scripts counts once for itself plus once per call it makes.
import type { Redis } from 'ioredis';

export type CommandCalls = Record<string, number>;

export async function commandCalls(redis: Redis): Promise<CommandCalls> {
  const calls: CommandCalls = {};
  for (const match of (await redis.info('commandstats')).matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm))
    calls[match[1]!] = Number(match[2]);
  return calls;
}

/** What ran between two readings; the INFO that took `before` counts in `after`, so it is removed. */
export function callsBetween(before: CommandCalls, after: CommandCalls): CommandCalls {
  const between: CommandCalls = {};
  for (const [name, n] of Object.entries(after)) {
    const ran = n - (before[name] ?? 0) - (name === 'info' ? 1 : 0);
    if (ran > 0) between[name] = ran;
  }
  return between;
}

/** BullMQ's scripts and other Lua: each call is one round trip that runs several commands. */
export function scriptCalls(calls: CommandCalls): number {
  return (calls.evalsha ?? 0) + (calls.eval ?? 0) + (calls.fcall ?? 0);
}

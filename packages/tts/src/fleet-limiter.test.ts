import { setTimeout as delay } from 'node:timers/promises';
import { waitFor } from '@podfleet/test-kit';
import { Redis } from 'ioredis';
import { createFleetLimiter } from './fleet-limiter';

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `${process.env.QUEUE_PREFIX ?? 'pftest'}:fleet-limiter`;

describe('fleet limiter (real Redis)', () => {
  const clients: Redis[] = [];
  const client = () => {
    const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
    clients.push(redis);
    return redis;
  };
  afterAll(() => Promise.all(clients.map((c) => (c.status === 'ready' ? c.quit() : c.disconnect()))));

  it('two workers sharing a key never exceed the fleet limit', async () => {
    const keyPrefix = `${prefix}:cap`;
    const workers = [
      createFleetLimiter({ redis: client(), keyPrefix, limit: 3, pollMs: 10 }),
      createFleetLimiter({ redis: client(), keyPrefix, limit: 3, pollMs: 10 }),
    ];
    let inFlight = 0;
    let maxInFlight = 0;
    let maxSeenByRedis = 0;
    const task = (worker: (typeof workers)[number]) =>
      worker.run(async () => {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        maxSeenByRedis = Math.max(maxSeenByRedis, await worker.inFlight());
        await delay(5 + Math.random() * 20); // stands in for an HTTP request
        inFlight--;
      });
    await Promise.all(Array.from({ length: 24 }, (_, i) => task(workers[i % 2]!)));
    expect(maxInFlight).toBe(3); // saturated, never exceeded
    expect(maxSeenByRedis).toBeLessThanOrEqual(3);
    expect(await workers[0]!.inFlight()).toBe(0); // every lease released
  });

  it('a pause set by one worker makes the others wait it out', async () => {
    const keyPrefix = `${prefix}:pause`;
    const a = createFleetLimiter({ redis: client(), keyPrefix, limit: 5 });
    const b = createFleetLimiter({ redis: client(), keyPrefix, limit: 5 });
    await a.pauseFor(400);
    expect(await b.pausedForMs()).toBeGreaterThan(200);
    await a.pauseFor(50); // never shortens
    expect(await b.pausedForMs()).toBeGreaterThan(200);
    const started = Date.now();
    const lease = await b.acquire();
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    expect(await b.pausedForMs()).toBe(0);
    await lease.release();
  });

  it('an abort stops a waiting acquirer', async () => {
    const keyPrefix = `${prefix}:abort`;
    const limiter = createFleetLimiter({ redis: client(), keyPrefix, limit: 1, pollMs: 10 });
    const held = await limiter.acquire();
    const controller = new AbortController();
    const waiting = limiter.acquire(controller.signal);
    controller.abort(new Error('job cancelled'));
    await expect(waiting).rejects.toThrow('job cancelled');
    await held.release();
    expect(await limiter.inFlight()).toBe(0);
  });

  it('polls by EVALSHA: a waiting worker sends the script text at most once, not with every poll', async () => {
    const keyPrefix = `${prefix}:evalsha`;
    const monitor = await client().monitor();
    const sent: string[] = [];
    // MONITOR sees every client of the server: count only the commands on this test's keys.
    monitor.on('monitor', (_time: string, args: string[]) => {
      if (args.some((arg) => arg.startsWith(keyPrefix))) sent.push(String(args[0]).toLowerCase());
    });
    try {
      const holder = createFleetLimiter({ redis: client(), keyPrefix, limit: 1 });
      const waiter = createFleetLimiter({ redis: client(), keyPrefix, limit: 1, pollMs: 10 });
      const held = await holder.acquire();
      const waiting = waiter.acquire();
      // Calls of a script (MONITOR also lists the commands the script runs).
      const scriptCalls = () => sent.filter((command) => command === 'eval' || command === 'evalsha');
      await waitFor(() => scriptCalls().length >= 6, { what: 'the waiter polling' });
      await held.release();
      await (await waiting).release();
      expect(scriptCalls().filter((command) => command === 'eval').length).toBeLessThanOrEqual(1); // only if Redis lacked the script
    } finally {
      monitor.disconnect();
    }
  });

  it("a crashed worker's slot frees itself when its lease expires", async () => {
    const keyPrefix = `${prefix}:expiry`;
    const crashing = client();
    const dead = createFleetLimiter({ redis: crashing, keyPrefix, limit: 1, leaseMs: 300 });
    await dead.acquire();
    crashing.disconnect(); // no renewals, no release
    const survivor = createFleetLimiter({ redis: client(), keyPrefix, limit: 1, leaseMs: 300, pollMs: 20 });
    const started = Date.now();
    const lease = await survivor.acquire();
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    await lease.release();
  });
});

import { mapLimit, settle } from './concurrency';

/** A call that resolves (or rejects) when the test says, recording how many run at once. */
function gate() {
  let inFlight = 0;
  let maxInFlight = 0;
  const started: number[] = [];
  const pending = new Map<number, { resolve: (v: number) => void; reject: (e: Error) => void }>();
  const call = (item: number) =>
    new Promise<number>((resolve, reject) => {
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      started.push(item);
      pending.set(item, {
        resolve: (v) => {
          inFlight -= 1;
          resolve(v);
        },
        reject: (e) => {
          inFlight -= 1;
          reject(e);
        },
      });
    });
  return { call, started, pending, maxInFlight: () => maxInFlight };
}

const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('mapLimit', () => {
  it('keeps at most `limit` calls in flight and returns results in input order', async () => {
    const g = gate();
    const all = mapLimit([1, 2, 3, 4, 5], 2, (item) => g.call(item));
    await flush();
    expect(g.started).toEqual([1, 2]);
    for (const item of [2, 1, 4, 3, 5]) {
      await flush();
      g.pending.get(item)?.resolve(item * 10);
    }
    expect(await all).toEqual([10, 20, 30, 40, 50]);
    expect(g.maxInFlight()).toBe(2);
  });

  it('stops starting calls after the first failure and rejects with it', async () => {
    const g = gate();
    const all = mapLimit([1, 2, 3, 4], 2, (item) => g.call(item));
    await flush();
    g.pending.get(1)?.reject(new Error('one failed'));
    await expect(all).rejects.toThrow('one failed');
    g.pending.get(2)?.resolve(20);
    await flush();
    expect(g.started).toEqual([1, 2]);
  });

  it('with settle, runs every item and gives each outcome', async () => {
    const results = await mapLimit([1, 2, 3], 2, (item) =>
      settle(item === 2 ? Promise.reject(new Error('two')) : Promise.resolve(item)),
    );
    expect(results).toEqual([
      { status: 'fulfilled', value: 1 },
      { status: 'rejected', reason: new Error('two') },
      { status: 'fulfilled', value: 3 },
    ]);
  });
});

import { median, percentile, perJob, summary } from './stats';

describe('bench statistics', () => {
  it('takes nearest-rank percentiles and the upper median', () => {
    const xs = [5, 1, 4, 2, 3, 10, 9, 8, 7, 6];
    expect([percentile(xs, 50), percentile(xs, 95), percentile(xs, 100), percentile(xs, 0)]).toEqual([
      5, 10, 10, 1,
    ]);
    expect(median(xs)).toBe(6);
    expect(median([])).toBeNaN();
    expect(summary([1.04, 2.06])).toEqual({ p50: 1, p95: 2.1, p99: 2.1, max: 2.1 });
  });

  it('divides counts per job, the largest first', () => {
    expect(Object.entries(perJob({ get: 3, evalsha: 40, set: 7 }, 4))).toEqual([
      ['evalsha', 10],
      ['set', 1.8],
      ['get', 0.8],
    ]);
  });
});

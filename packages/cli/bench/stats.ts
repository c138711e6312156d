// The figures the benches report: rounding, medians and percentiles of a sample.

export const round1 = (x: number) => Math.round(x * 10) / 10;
export const round2 = (x: number) => Math.round(x * 100) / 100;

/** The middle value (the upper one of an even count); NaN for no values. */
export const median = (xs: number[]) =>
  [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

/** The nearest-rank percentile `p` (0–100) of `xs`; NaN for no values. */
export function percentile(xs: number[], p: number): number {
  if (xs.length === 0) return Number.NaN;
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** p50, p95, p99 and max of `xs`, to 0.1. */
export const summary = (xs: number[]) => ({
  p50: round1(percentile(xs, 50)),
  p95: round1(percentile(xs, 95)),
  p99: round1(percentile(xs, 99)),
  max: round1(percentile(xs, 100)),
});

/** Counts by name divided by `jobs`, to 0.1, the largest first. */
export const perJob = (counts: Record<string, number>, jobs: number) =>
  Object.fromEntries(
    Object.entries(counts)
      .sort(([, a], [, b]) => b - a)
      .map(([name, n]) => [name, round1(n / jobs)]),
  );

/** Repeated measurements: how many, and how they are summed up. */

/** Runs per throughput figure. Three lets the median drop one run that a busy spell slowed down. */
export const BENCH_ROUNDS = 3;

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

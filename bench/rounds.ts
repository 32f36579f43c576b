/** Repeated measurements are summed up by their median. */

/** Interleaved raw and Shoal runs per throughput figure. On two busy cores a single run of either
 * side can be a fifth off (the raw channels alone swing from 14 to 79 MiB/s between runs here), so
 * the full run takes five and keeps the middle one; the quick run makes do with two (their mean)
 * to stay under 3 minutes. */
export function roundsFor(quick: boolean): number {
  return quick ? 2 : 5;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** Each turn's rates in MiB/s, for the console, so a reader sees how far runs spread around a median. */
export function turnsInMiBps(bytesPerSecond: readonly number[]): string {
  return bytesPerSecond.map((rate) => (rate / (1024 * 1024)).toFixed(2)).join(', ');
}

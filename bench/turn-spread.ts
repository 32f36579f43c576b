/**
 * How far a figure's turns spread around their median, and which turns disagree with it: a turn
 * more than a third away from the median is flagged, so a figure resting on a busy spell (or on one
 * lucky turn) says so next to its number rather than hiding in the median.
 */
import { median } from './rounds';

/** A turn further than this fraction of the median from it is flagged. */
export const OUTLIER_FRACTION = 1 / 3;

/** Indices (0-based) of the turns further than a third of the median from the median. */
export function outlierTurns(values: readonly number[]): number[] {
  if (values.length < 2) return [];
  const middle = median(values);
  return values.flatMap((value, index) => (Math.abs(value - middle) > Math.abs(middle) * OUTLIER_FRACTION ? [index] : []));
}

export interface Spread {
  median: number;
  min: number;
  max: number;
  /** (max - min) / median: 0.2 means the turns span a fifth of the median. */
  relative: number;
}

export function spreadOf(values: readonly number[]): Spread {
  const middle = median(values);
  const min = Math.min(...values);
  const max = Math.max(...values);
  return { median: middle, min, max, relative: middle === 0 ? 0 : (max - min) / Math.abs(middle) };
}

const shown = (value: number): string => (Math.abs(value) >= 100 ? value.toFixed(0) : value.toFixed(2));

/**
 * One line for a series of turns: "each turn 15.20, 16.10, 9.80 MiB/s (median 15.20, 9.80 to 16.10,
 * spread 41 %); OUTLIER turn 3: 9.80, 36 % below the median".
 */
export function describeTurns(values: readonly number[], unit: string): string {
  if (values.length === 0) return 'no turns';
  const spread = spreadOf(values);
  const each = `each turn ${values.map(shown).join(', ')} ${unit}`;
  if (values.length === 1) return `${each} (one turn)`;
  const summary = `${each} (median ${shown(spread.median)}, ${shown(spread.min)} to ${shown(spread.max)}, spread ${(spread.relative * 100).toFixed(0)} %)`;
  const flags = outlierTurns(values).map((index) => {
    const value = values[index] as number;
    const off = (Math.abs(value - spread.median) / Math.abs(spread.median)) * 100;
    return `OUTLIER turn ${index + 1}: ${shown(value)}, ${off.toFixed(0)} % ${value < spread.median ? 'below' : 'above'} the median`;
  });
  return [summary, ...flags].join('; ');
}

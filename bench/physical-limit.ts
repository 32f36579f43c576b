/**
 * What a figure's set-up physically allows, and the refusal to report past it. Four seeders capped
 * at 2 MiB/s cannot deliver more than 8 MiB/s, a shaped link no more than its capacity: a reading
 * above such a limit says the measurement is wrong (a burst counted, a window too short), not that
 * Shoal did well, so the figure is printed INVALID with the reason and the bench exits non-zero.
 */
import type { Figure } from './report';

export interface PhysicalLimit {
  /** The highest ratio the set-up allows (e.g. 4 seeders against 1). */
  maxRatio?: number;
  /** The highest value the set-up allows, in the figure's unit (e.g. the seeders' caps together). */
  maxValue?: number;
  /** The highest baseline the set-up allows, in the baseline's unit (e.g. one seeder's cap). */
  maxBaselineValue?: number;
  /** Why, in words: printed with the figure's notes, and with the refusal. */
  because: string;
}

/** A figure whose set-up bounds nothing it reports (a ratio to a raw channel on loopback, CPU time). */
export const noPhysicalLimit = (because: string): PhysicalLimit => ({ because });

const shown = (value: number): string => (Math.abs(value) >= 100 ? value.toFixed(0) : value.toFixed(2));

/** Why `figure` cannot be true, or undefined when it is within what its set-up allows. */
export function invalidReasonOf(figure: Figure): string | undefined {
  const limit = figure.physicalLimit;
  if (limit === undefined) return undefined;
  const bounded = limit.maxRatio !== undefined || limit.maxValue !== undefined || limit.maxBaselineValue !== undefined;
  if (bounded && !(Number.isFinite(figure.value) && Number.isFinite(figure.baseline.value) && Number.isFinite(figure.ratio))) {
    return `not a finite reading (value ${figure.value}, baseline ${figure.baseline.value}, ratio ${figure.ratio})`;
  }
  const past: string[] = [];
  if (limit.maxRatio !== undefined && figure.ratio > limit.maxRatio) {
    past.push(`ratio ${figure.ratio.toFixed(2)} is above ${limit.maxRatio.toFixed(2)}`);
  }
  if (limit.maxValue !== undefined && figure.value > limit.maxValue) {
    past.push(`${shown(figure.value)} ${figure.unit} is above ${shown(limit.maxValue)} ${figure.unit}`);
  }
  if (limit.maxBaselineValue !== undefined && figure.baseline.value > limit.maxBaselineValue) {
    const unit = figure.baseline.unit;
    past.push(`the baseline's ${shown(figure.baseline.value)} ${unit} is above ${shown(limit.maxBaselineValue)} ${unit}`);
  }
  // A turn past the limit is a broken measurement too, even where the median hides it.
  const turnsPast = (values: readonly number[] | undefined, max: number | undefined, whose: string, unit: string): void => {
    if (max === undefined || values === undefined) return;
    values.forEach((value, index) => {
      if (value > max) past.push(`${whose}turn ${index + 1}'s ${shown(value)} ${unit} is above ${shown(max)} ${unit}`);
    });
  };
  turnsPast(figure.turns?.value, limit.maxValue, '', figure.unit);
  turnsPast(figure.turns?.baseline, limit.maxBaselineValue, "the baseline's ", figure.baseline.unit);
  return past.length === 0 ? undefined : `${past.join('; ')}: ${limit.because}`;
}

/** The table's "met" cell: INVALID past the physical limit, else whether the target is met. */
export function verdictOf(figure: Figure): 'INVALID' | 'yes' | 'NO' | '' {
  if (invalidReasonOf(figure) !== undefined) return 'INVALID';
  return figure.meetsTarget === null ? '' : figure.meetsTarget ? 'yes' : 'NO';
}

/** The figures past their physical limits, each with its reason, for the refusal at the end of a run. */
export function refusalsOf(figures: readonly Figure[]): string[] {
  return figures.flatMap((figure) => {
    const reason = invalidReasonOf(figure);
    return reason === undefined ? [] : [`INVALID ${figure.name}: ${reason}`];
  });
}

/** Prints each refusal; true when there was one or more, so the run exits non-zero once its results are written. */
export function printRefusals(figures: readonly Figure[]): boolean {
  const refusals = refusalsOf(figures);
  if (refusals.length > 0) console.error(['', ...refusals, `${refusals.length} figure(s) past what their set-up allows: not met, and the run fails`].join('\n'));
  return refusals.length > 0;
}

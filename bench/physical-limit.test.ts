import { describe, expect, it } from 'vitest';
import { invalidReasonOf, noPhysicalLimit, refusalsOf, verdictOf } from './physical-limit';
import { figureOf, ratioAtLeast, ratioAtMost } from './targets';

const linkFigure = (value: number, baseline = 1) =>
  figureOf({
    name: 'share of the link',
    value,
    unit: 'MiB/s',
    baseline: { name: 'link capacity', value: baseline },
    target: ratioAtLeast(0.5),
    limit: { maxValue: 11.92, maxRatio: 1, because: 'a 100 Mbit/s link carries at most 11.92 MiB/s' },
  });

describe('the refusal to report past a physical limit', () => {
  it('marks a figure above its limit INVALID with the reason, never as met', () => {
    const figure = linkFigure(12.5, 11.92);
    expect(figure.meetsTarget).toBe(true);
    expect(verdictOf(figure)).toBe('INVALID');
    expect(invalidReasonOf(figure)).toBe('ratio 1.05 is above 1.00; 12.50 MiB/s is above 11.92 MiB/s: a 100 Mbit/s link carries at most 11.92 MiB/s');
    expect(refusalsOf([figure])).toEqual([`INVALID share of the link: ${invalidReasonOf(figure)}`]);
  });

  it('judges a figure within its limit by its target', () => {
    expect(verdictOf(linkFigure(6, 11.92))).toBe('yes');
    expect(verdictOf(linkFigure(5, 11.92))).toBe('NO');
    expect(refusalsOf([linkFigure(6, 11.92)])).toEqual([]);
  });

  it('refuses a reading that is not a number where a limit is declared', () => {
    expect(invalidReasonOf(linkFigure(Number.NaN, 11.92))).toMatch(/not a finite reading/);
  });

  it('never refuses a figure whose set-up bounds nothing, and shows no verdict without a target', () => {
    const unbounded = figureOf({ name: 'cpu', value: 500, unit: 'ms', baseline: { name: 'raw', value: 100 }, limit: noPhysicalLimit('no bound') });
    expect(invalidReasonOf(unbounded)).toBeUndefined();
    expect(verdictOf(unbounded)).toBe('');
    const upperTarget = figureOf({ name: 'first chunk', value: 130, unit: 'ms', baseline: { name: 'raw', value: 100 }, target: ratioAtMost(1.2), limit: noPhysicalLimit('no bound') });
    expect(verdictOf(upperTarget)).toBe('NO');
  });
});

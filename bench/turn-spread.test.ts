import { describe, expect, it } from 'vitest';
import { describeTurns, outlierTurns, spreadOf } from './turn-spread';

describe('outlierTurns', () => {
  it('flags a turn more than a third from the median, above or below', () => {
    expect(outlierTurns([15, 16, 9.5, 15.5, 14])).toEqual([2]);
    expect(outlierTurns([10, 10.5, 14, 9.8, 10.2])).toEqual([2]);
  });

  it('keeps a turn a third from the median or nearer', () => {
    expect(outlierTurns([9, 12, 15])).toEqual([]);
    expect(outlierTurns([7.9, 12, 16.1])).toEqual([0, 2]);
  });

  it('flags both of two turns that disagree by more than two thirds of their mean, and nothing of one turn', () => {
    expect(outlierTurns([10, 21])).toEqual([0, 1]);
    expect(outlierTurns([10, 16])).toEqual([]);
    expect(outlierTurns([10])).toEqual([]);
  });
});

describe('spreadOf and describeTurns', () => {
  it('gives the median, the range and the range as a share of the median', () => {
    expect(spreadOf([10, 12, 8])).toEqual({ median: 10, min: 8, max: 12, relative: 0.4 });
  });

  it('prints each turn, the spread and each outlier', () => {
    expect(describeTurns([15, 16, 9.5], 'MiB/s')).toBe(
      'each turn 15.00, 16.00, 9.50 MiB/s (median 15.00, 9.50 to 16.00, spread 43 %); OUTLIER turn 3: 9.50, 37 % below the median',
    );
    expect(describeTurns([2], 'MiB/s')).toBe('each turn 2.00 MiB/s (one turn)');
  });
});

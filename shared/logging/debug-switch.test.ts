import { describe, expect, it } from 'vitest';
import { logLinesFor } from './debug-switch';

describe('the debug switch', () => {
  it('shows warnings and errors but no debug lines when unset, empty or 0', () => {
    for (const value of [undefined, '', '0']) {
      const isShown = logLinesFor(value);
      expect([isShown('shoal:engine:download', 'warn'), isShown('shoal:engine:download', 'error')]).toEqual([true, true]);
      expect(isShown('shoal:engine:download', 'debug')).toBe(false);
    }
  });

  it('shows every debug line for 1 or *', () => {
    for (const value of ['1', '*']) expect(logLinesFor(value)('shoal:node:session', 'debug')).toBe(true);
  });

  it('shows the debug lines of the components named by prefix', () => {
    const isShown = logLinesFor('shoal:engine:links, shoal:engine:download');
    expect(isShown('shoal:engine:download', 'debug')).toBe(true);
    expect(isShown('shoal:engine:links', 'debug')).toBe(true);
    expect(isShown('shoal:engine:serve', 'debug')).toBe(false);
    expect(isShown('shoal:engine:serve', 'warn')).toBe(true);
  });
});

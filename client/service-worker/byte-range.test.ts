import { describe, expect, it } from 'vitest';
import { parseByteRange } from './byte-range';

const SIZE = 10_000;

describe('parseByteRange', () => {
  it('answers the whole file when no range is asked for', () => {
    expect(parseByteRange(null, SIZE)).toEqual({ kind: 'whole' });
  });

  it('reads an open-ended range to the last byte, as a media element first asks', () => {
    expect(parseByteRange('bytes=0-', SIZE)).toEqual({ kind: 'range', start: 0, end: SIZE - 1 });
    expect(parseByteRange('bytes=4096-', SIZE)).toEqual({ kind: 'range', start: 4096, end: SIZE - 1 });
  });

  it('reads a closed range, inclusive, and cuts an end past the file to its last byte', () => {
    expect(parseByteRange('bytes=100-199', SIZE)).toEqual({ kind: 'range', start: 100, end: 199 });
    expect(parseByteRange('bytes=9990-20000', SIZE)).toEqual({ kind: 'range', start: 9990, end: SIZE - 1 });
    expect(parseByteRange('bytes=5-5', SIZE)).toEqual({ kind: 'range', start: 5, end: 5 });
  });

  it('reads a suffix as the last n bytes, the whole file when n is larger', () => {
    expect(parseByteRange('bytes=-500', SIZE)).toEqual({ kind: 'range', start: SIZE - 500, end: SIZE - 1 });
    expect(parseByteRange('bytes=-50000', SIZE)).toEqual({ kind: 'range', start: 0, end: SIZE - 1 });
  });

  it('refuses ranges that start past the end, run backwards, are empty or malformed (416)', () => {
    for (const header of ['bytes=10000-', 'bytes=20000-30000', 'bytes=200-100', 'bytes=-0', 'bytes=-', 'bytes=a-b', 'bytes=1-2-3']) {
      expect(parseByteRange(header, SIZE), header).toEqual({ kind: 'unsatisfiable' });
    }
    expect(parseByteRange('bytes=0-', 0)).toEqual({ kind: 'unsatisfiable' });
  });

  it('ignores what it does not support (several ranges, another unit) and answers the whole file', () => {
    expect(parseByteRange('bytes=0-99,200-299', SIZE)).toEqual({ kind: 'whole' });
    expect(parseByteRange('items=0-5', SIZE)).toEqual({ kind: 'whole' });
  });
});

import { describe, expect, it } from 'vitest';
import { ERRORS, ERROR_CODES, ShoalError } from '../shared/protocol/errors';
import { EXIT_CODES, exitCodeFor } from './exit-codes';
import { TrackerUnreachableError } from './node/tracker-unreachable-error';

describe('exit codes', () => {
  it("exit with the number of each code's exit kind in the error table", () => {
    for (const code of ERROR_CODES) {
      expect([code, exitCodeFor(new ShoalError(code, 'x'))]).toEqual([code, EXIT_CODES[ERRORS[code].exit]]);
    }
    expect(exitCodeFor(new ShoalError('NAME_TAKEN', 'x'))).toBe(2);
    expect(exitCodeFor(new ShoalError('FILE_NOT_FOUND', 'x'))).toBe(4);
    expect(exitCodeFor(new ShoalError('NO_HOLDER', 'x'))).toBe(5);
    expect(exitCodeFor(new ShoalError('CHUNK_CORRUPT', 'x'))).toBe(1);
  });

  it('exit 3 when the tracker is unreachable and 1 for anything unexpected', () => {
    expect(exitCodeFor(new TrackerUnreachableError('gone'))).toBe(3);
    expect(exitCodeFor(new Error('bug'))).toBe(1);
    expect(exitCodeFor('thrown string')).toBe(1);
  });
});

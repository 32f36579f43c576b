import { describe, expect, it } from 'vitest';
import { ShoalError } from '../protocol/errors';
import { HolderFailures } from './holder-failures';
import { PeerUnreachableError } from './transport';

describe('HolderFailures', () => {
  it("names the holder the transport could not reach and says why: 'Could not reach Bob: ...'", () => {
    const failures = new HolderFailures();
    failures.record({ id: 'b', name: 'Bob' }, new PeerUnreachableError('no direct path and no relay configured'), 0);
    failures.record({ id: 'c', name: 'Cleo' }, new ShoalError('TIMEOUT', 'slow'), 0);
    expect(failures.list()[0]?.message).toBe('Could not reach Bob: no direct path and no relay configured');
    expect(failures.waitingReason('report.pdf').message).toBe(
      "No peer holding 'report.pdf' can send it now (Could not reach Bob: no direct path and no relay configured; Cleo stopped answering); the download will resume when one can",
    );
  });
});

import { describe, expect, it } from 'vitest';
import { connectionPathFrom } from './connection-path';

/** A stats report as getStats() gives it: Chromium's RTCStatsReport and wrtc's Map both have forEach. */
function report(...stats: Array<Record<string, unknown>>) {
  return new Map(stats.map((entry) => [String(entry.id), entry]));
}

const hostLocal = { id: 'L1', type: 'local-candidate', candidateType: 'host' };
const relayLocal = { id: 'L2', type: 'local-candidate', candidateType: 'relay' };
const srflxRemote = { id: 'R1', type: 'remote-candidate', candidateType: 'srflx' };
const relayRemote = { id: 'R2', type: 'remote-candidate', candidateType: 'relay' };

describe('connectionPathFrom', () => {
  it("follows the transport's selected pair and calls it relayed when our end is a TURN relay", () => {
    const stats = report(
      hostLocal,
      relayLocal,
      srflxRemote,
      { id: 'P1', type: 'candidate-pair', localCandidateId: 'L1', remoteCandidateId: 'R1', nominated: true, state: 'succeeded', currentRoundTripTime: 0.004 },
      { id: 'P2', type: 'candidate-pair', localCandidateId: 'L2', remoteCandidateId: 'R1', state: 'succeeded', currentRoundTripTime: 0.031 },
      { id: 'T', type: 'transport', selectedCandidatePairId: 'P2' },
    );
    expect(connectionPathFrom(stats)).toEqual({ kind: 'relayed', rttMs: 31 });
  });

  it('falls back to the nominated pair that succeeded, relayed when the far end is a relay', () => {
    const stats = report(
      hostLocal,
      relayRemote,
      srflxRemote,
      { id: 'P1', type: 'candidate-pair', localCandidateId: 'L1', remoteCandidateId: 'R1', nominated: false, state: 'succeeded' },
      { id: 'P2', type: 'candidate-pair', localCandidateId: 'L1', remoteCandidateId: 'R2', nominated: true, state: 'succeeded', currentRoundTripTime: 0.05 },
      { id: 'T', type: 'transport' },
    );
    expect(connectionPathFrom(stats)).toEqual({ kind: 'relayed', rttMs: 50 });
  });

  it('is direct without a round-trip time until one is measured, and undefined before any pair is chosen', () => {
    const chosen = { id: 'P1', type: 'candidate-pair', localCandidateId: 'L1', remoteCandidateId: 'R1', selected: true };
    expect(connectionPathFrom(report(hostLocal, srflxRemote, chosen))).toEqual({ kind: 'direct', rttMs: undefined });
    const waiting = { id: 'P1', type: 'candidate-pair', localCandidateId: 'L1', remoteCandidateId: 'R1', state: 'in-progress' };
    expect(connectionPathFrom(report(hostLocal, srflxRemote, waiting))).toBeUndefined();
  });
});

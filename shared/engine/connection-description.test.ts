import { describe, expect, it } from 'vitest';
import { describeFetchingPeers, describePath } from './connection-description';

describe('connection descriptions', () => {
  it('says direct or relayed with the rounded round trip', () => {
    expect(describePath({ kind: 'direct', rttMs: 12.4 })).toBe('direct, 12 ms');
    expect(describePath({ kind: 'relayed', rttMs: undefined })).toBe('relayed');
    expect(describePath(undefined)).toBeUndefined();
  });

  it('names every holder in use, with its path when known', () => {
    const text = describeFetchingPeers([
      { peerId: 'a', name: 'ana', path: { kind: 'direct', rttMs: 3 } },
      { peerId: 'b', name: 'ben', path: { kind: 'relayed', rttMs: 85.6 } },
      { peerId: 'c', name: 'cleo', path: undefined },
    ]);
    expect(text).toBe('From ana (direct, 3 ms), ben (relayed, 86 ms), cleo');
    expect(describeFetchingPeers([])).toBeUndefined();
  });
});

/** Test data builders: every test makes its own files and peers with fresh random ids. */
import { randomBytes, randomUUID } from 'node:crypto';
import type { FileAnnouncement } from '../../shared/protocol';
import type { PeerRecord } from '../store/tracker-store';

export function randomContentId(): string {
  return randomBytes(32).toString('hex');
}

export function fileNamed(name: string, overrides: Partial<FileAnnouncement> = {}): FileAnnouncement {
  return {
    contentId: randomContentId(),
    name,
    size: 1 + randomBytes(2).readUInt16BE(0),
    mimeType: 'application/octet-stream',
    chunkSizeBytes: 256 * 1024,
    ...overrides,
  };
}

/** The tracker process the fixtures' peers are on, unless a test names another. */
export const TEST_NODE_ID = 'test-node';

/** A peer with a made-up key: the store keeps keys as opaque text (the join handler verifies them). */
export function peerNamed(name: string, nodeId = TEST_NODE_ID): PeerRecord {
  const fingerprint = (randomBytes(8).toString('hex').match(/.{4}/g) ?? []).join(' ');
  return { id: randomUUID(), name, publicKey: randomBytes(65).toString('base64'), fingerprint, joinedAtMs: Date.now(), nodeId };
}

/** How a peer appears in the peer list, given how many files it shares. */
export function summaryOf(peer: PeerRecord, files: number): { id: string; name: string; files: number; publicKey: string; fingerprint: string } {
  return { id: peer.id, name: peer.name, files, publicKey: peer.publicKey, fingerprint: peer.fingerprint };
}

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

export function peerNamed(name: string): PeerRecord {
  return { id: randomUUID(), name, joinedAtMs: Date.now() };
}

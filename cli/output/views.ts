/**
 * The JSON shapes of peers and shares, one definition for `--json` output and the REST API. A file
 * found on the network has the shape every Shoal answer gives it: shared/protocol/file-result.ts.
 */
import { z } from 'zod';
import type { PeerSummary } from '../../shared/protocol/tracker-messages';
import type { SharedFile } from '../node/library';

export const peerViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  files: z.number().int().min(0).describe('files the peer shares'),
  fingerprint: z.string().describe('short form of the peer key, to compare out of band'),
});
export type PeerView = z.infer<typeof peerViewSchema>;

export const sharedFileViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  size: z.number().int().min(0),
  mimeType: z.string(),
  path: z.string().describe('where the file is on this machine'),
});
export type SharedFileView = z.infer<typeof sharedFileViewSchema>;

export function peerView(peer: PeerSummary): PeerView {
  return { id: peer.id, name: peer.name, files: peer.files, fingerprint: peer.fingerprint };
}

export function sharedFileView(file: SharedFile): SharedFileView {
  return { id: file.contentId, name: file.name, size: file.sizeBytes, mimeType: file.mimeType, path: file.path };
}

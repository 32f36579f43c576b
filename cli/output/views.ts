/** The JSON shapes of files, peers and shares, one definition for `--json` output and the REST API. */
import { z } from 'zod';
import type { PeerSummary, SearchResult } from '../../shared/protocol/tracker-messages';
import type { SharedFile } from '../node/library';

export const holderViewSchema = z.object({ id: z.string(), name: z.string() });

export const fileViewSchema = z.object({
  id: z.string().describe('content id: SHA-256 of the manifest'),
  name: z.string(),
  size: z.number().int().min(0).describe('bytes'),
  mimeType: z.string(),
  holders: z.array(holderViewSchema).describe('online peers that hold the file'),
});
export type FileView = z.infer<typeof fileViewSchema>;

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

export function fileView(file: SearchResult): FileView {
  return {
    id: file.contentId,
    name: file.name,
    size: file.size,
    mimeType: file.mimeType,
    holders: file.holders.map(({ id, name }) => ({ id, name })),
  };
}

export function peerView(peer: PeerSummary): PeerView {
  return { id: peer.id, name: peer.name, files: peer.files, fingerprint: peer.fingerprint };
}

export function sharedFileView(file: SharedFile): SharedFileView {
  return { id: file.contentId, name: file.name, size: file.sizeBytes, mimeType: file.mimeType, path: file.path };
}

/**
 * One file found on the network, as every JSON answer shows it: the tracker's GET /api/files, the
 * peer's POST /search and `shoal search --json`. `holders` is the protocol's name for the online
 * peers that hold the file (the tracker's /api/files also sends it as `peers` for one release).
 */
import { z } from 'zod';
import { contentIdSchema, holderSchema, type SearchResult } from './tracker-messages';

export const fileResultSchema = z.object({
  id: contentIdSchema.describe('content id: SHA-256 of the manifest'),
  name: z.string(),
  size: z.number().int().min(0).describe('bytes'),
  mimeType: z.string(),
  holders: z.array(holderSchema).describe('online peers that hold the file'),
});
export type FileResult = z.infer<typeof fileResultSchema>;

export function fileResultOf(file: SearchResult): FileResult {
  return {
    id: file.contentId,
    name: file.name,
    size: file.size,
    mimeType: file.mimeType,
    holders: file.holders.map(({ id, name }) => ({ id, name })),
  };
}

/**
 * Folders. A shared folder is itself content-addressed: a small JSON "folder manifest" listing
 * every file's relative path and content id is shared as an ordinary file with the MIME type
 * FOLDER_MIME_TYPE, and each file inside is shared as an ordinary file too. Downloading a folder
 * fetches the manifest through the verified engine, then every entry the same way.
 *
 * Relative paths come from other peers, so they are hostile until parsed here: no absolute paths,
 * no '.' or '..' segments, no empty segments, no backslashes, colons or control characters. A path
 * that passes can be joined under a chosen output folder without escaping it (hosts still check
 * the resolved path, as a second line).
 */
import { z } from 'zod';
import { FILE_NAME_MAX_CHARS, FOLDER_MAX_FILES, FOLDER_MAX_INDEXED_NAMES } from './limits';
import { contentIdSchema, fileNameSchema } from './tracker-messages';
import type { FolderAnnouncement } from './tracker-messages';

export const FOLDER_MIME_TYPE = 'application/vnd.shoal.folder+json';

/** Longest relative path inside a folder (the common PATH_MAX is 4096 for the whole path). */
export const FOLDER_PATH_MAX_CHARS = 1_024;

/** One path segment: a plain file or folder name. */
function isSafeSegment(segment: string): boolean {
  if (segment === '' || segment === '.' || segment === '..') return false;
  if (segment.length > FILE_NAME_MAX_CHARS) return false;
  // Control characters, backslashes (Windows separators) and colons (drive letters, streams) are refused.
  return !/[\u0000-\u001f\u007f\\:/]/.test(segment);
}

export function isSafeRelativePath(path: string): boolean {
  if (path.length === 0 || path.length > FOLDER_PATH_MAX_CHARS) return false;
  if (path.startsWith('/')) return false;
  return path.split('/').every(isSafeSegment);
}

export const relativePathSchema = z
  .string()
  .refine(isSafeRelativePath, 'A path in a folder is relative, with plain segments separated by "/" (no "..", no empty segments)');

export const folderEntrySchema = z.object({
  path: relativePathSchema,
  contentId: contentIdSchema,
  size: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  mimeType: z.string().max(255),
});
export type FolderEntry = z.infer<typeof folderEntrySchema>;

export const folderManifestSchema = z
  .object({
    kind: z.literal('shoal-folder'),
    version: z.literal(1),
    name: fileNameSchema.refine((name) => isSafeSegment(name), 'A folder name is one plain path segment'),
    entries: z.array(folderEntrySchema).min(1).max(FOLDER_MAX_FILES),
  })
  .refine((manifest) => new Set(manifest.entries.map((entry) => entry.path)).size === manifest.entries.length, {
    message: 'Every path in a folder is different',
  })
  .refine(
    (manifest) => {
      // A path may not be both a file and a folder ("a" and "a/b"), or the tree cannot be written.
      const paths = new Set(manifest.entries.map((entry) => entry.path));
      return manifest.entries.every((entry) => {
        const segments = entry.path.split('/');
        for (let end = 1; end < segments.length; end += 1) if (paths.has(segments.slice(0, end).join('/'))) return false;
        return true;
      });
    },
    { message: 'A path in a folder cannot be both a file and a folder' },
  );
export type FolderManifest = z.infer<typeof folderManifestSchema>;


export function buildFolderManifest(name: string, entries: FolderEntry[]): FolderManifest {
  const sorted = [...entries].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return folderManifestSchema.parse({ kind: 'shoal-folder', version: 1, name, entries: sorted });
}

/** The announcement field of a folder: its file count, total size and its files' distinct base names. */
export function folderAnnouncementOf(manifest: FolderManifest): FolderAnnouncement {
  const names = new Set(manifest.entries.map((entry) => entry.path.slice(entry.path.lastIndexOf('/') + 1)));
  return {
    fileCount: manifest.entries.length,
    totalSize: manifest.entries.reduce((sum, entry) => sum + entry.size, 0),
    innerNames: [...names].slice(0, FOLDER_MAX_INDEXED_NAMES),
  };
}

export function encodeFolderManifest(manifest: FolderManifest): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(manifest));
}

/** Parses downloaded manifest bytes; throws a readable error when they are not a valid folder. */
export function decodeFolderManifest(bytes: Uint8Array): FolderManifest {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    throw new Error('This folder manifest is not JSON');
  }
  const parsed = folderManifestSchema.safeParse(json);
  if (!parsed.success) throw new Error(`This folder manifest is not valid: ${parsed.error.issues[0]?.message ?? 'unknown'}`);
  return parsed.data;
}

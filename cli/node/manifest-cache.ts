/**
 * Remembers the manifest of each file shared from disk, keyed by its absolute path and checked
 * against its size and modification time, so sharing an unchanged file again (or restarting)
 * does not re-hash it. One small JSON file per path under `<data-dir>/manifests/`.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { z } from 'zod';
import { manifestSchema } from '../../shared/protocol/peer-messages';
import { contentIdSchema } from '../../shared/protocol/tracker-messages';
import { isSameVersion, type DescribedFile, type FileVersion } from './file-manifest';
import { readJsonFile, writeJsonFileAtomic } from './json-file';

const cacheEntrySchema = z.object({
  path: z.string(),
  sizeBytes: z.number().int().min(0),
  mtimeMs: z.number(),
  contentId: contentIdSchema,
  manifest: manifestSchema,
});

export class ManifestCache {
  private readonly dir: string;

  constructor(dataDir: string) {
    this.dir = path.join(dataDir, 'manifests');
  }

  /** The cached description of the file, if it was made for this very version of it. */
  async get(filePath: string, version: FileVersion): Promise<DescribedFile | undefined> {
    const entry = await readJsonFile(this.entryPath(filePath), cacheEntrySchema);
    if (entry === undefined || entry.path !== filePath || !isSameVersion(entry, version)) return undefined;
    return { manifest: entry.manifest, contentId: entry.contentId, version };
  }

  async put(filePath: string, described: DescribedFile): Promise<void> {
    const { manifest, contentId, version } = described;
    await writeJsonFileAtomic(this.entryPath(filePath), { path: filePath, ...version, contentId, manifest });
  }

  private entryPath(filePath: string): string {
    return path.join(this.dir, `${createHash('sha256').update(filePath).digest('hex')}.json`);
  }
}

/**
 * Files the Node peer shares where they are, never copied: describing one (its hashes, re-used from
 * the cache while its size and modification time are unchanged), telling whether it still is the
 * version that was described, and reading a chunk straight from it.
 */
import { open } from 'node:fs/promises';
import path from 'node:path';
import { chunkRange } from '../../shared/content/chunking';
import { ShoalError } from '../../shared/protocol/errors';
import type { Manifest } from '../../shared/protocol/peer-messages';
import { fileNameSchema } from '../../shared/protocol/tracker-messages';
import { describeFile, isSameVersion, versionOf, type DescribedFile } from './file-manifest';
import type { FileLocation } from './library-entries';
import { ManifestCache } from './manifest-cache';

export interface DescribedInPlace {
  absolutePath: string;
  /** The name it is shared under, checked as the swarm checks names. */
  name: string;
  described: DescribedFile;
}

/** 'unchanged', or why the file can no longer be served as described. */
export type InPlaceState = 'unchanged' | 'changed' | 'vanished';

export class InPlaceFiles {
  private readonly manifests: ManifestCache;

  constructor(dataDir: string) {
    this.manifests = new ManifestCache(dataDir);
  }

  /** Describes the file at `filePath`: hashes it, or re-uses the cached hashes of this version of it. */
  async describe(
    filePath: string,
    options: { name?: string; onProgress?: (bytesDone: number, totalBytes: number) => void } = {},
  ): Promise<DescribedInPlace> {
    const absolutePath = path.resolve(filePath);
    const name = fileNameSchema.safeParse(options.name ?? path.basename(absolutePath));
    if (!name.success) {
      throw new ShoalError('BAD_REQUEST', `'${absolutePath}' cannot be shared: ${name.error.issues[0]?.message ?? 'bad name'}`);
    }
    const version = await versionOf(absolutePath);
    if (version === undefined) throw new ShoalError('FILE_NOT_FOUND', `'${filePath}' does not exist or is not a file`);
    let described = await this.manifests.get(absolutePath, version);
    if (described === undefined) {
      described = await describeFile(absolutePath, options.onProgress);
      await this.manifests.put(absolutePath, described);
    }
    return { absolutePath, name: name.data, described };
  }

  /** Records a file just completed at `filePath` as described by `manifest`, so it is not hashed again. */
  async adopt(filePath: string, manifest: Manifest, contentId: string): Promise<FileLocation> {
    const version = await versionOf(filePath);
    if (version === undefined) throw new ShoalError('INTERNAL', `'${filePath}' vanished as it was completed`);
    await this.manifests.put(filePath, { manifest, contentId, version });
    return { kind: 'file', path: filePath, ...version };
  }

  async stateOf(location: FileLocation): Promise<InPlaceState> {
    const current = await versionOf(location.path);
    if (current === undefined) return 'vanished';
    return isSameVersion(current, location) ? 'unchanged' : 'changed';
  }

  /** Chunk `index` read from the file, or undefined when the file is shorter than the manifest says. */
  async readChunk(location: FileLocation, manifest: Manifest, index: number): Promise<Uint8Array | undefined> {
    const { start, end } = chunkRange(manifest.size, manifest.chunkSizeBytes, index);
    if (end <= start) return undefined;
    const bytes = Buffer.allocUnsafe(end - start);
    const handle = await open(location.path, 'r');
    try {
      const { bytesRead } = await handle.read(bytes, 0, bytes.byteLength, start);
      return bytesRead === bytes.byteLength ? bytes : undefined;
    } finally {
      await handle.close();
    }
  }
}

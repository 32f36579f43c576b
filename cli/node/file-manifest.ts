/**
 * A file on disk, described as the swarm sees it: its manifest (chunk hashes) and content id,
 * computed in one pass that reads one chunk at a time. A file that changes while it is read is
 * refused rather than described wrong.
 */
import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { chunkCount, chunkRange, chunkSizeFor } from '../../shared/content/chunking';
import { contentIdOf } from '../../shared/content/manifest';
import { ShoalError } from '../../shared/protocol/errors';
import type { Manifest } from '../../shared/protocol/peer-messages';

/** What identifies one version of a file: a change to either means its bytes may have changed. */
export interface FileVersion {
  sizeBytes: number;
  mtimeMs: number;
}

export interface DescribedFile {
  manifest: Manifest;
  contentId: string;
  version: FileVersion;
}

/** Read synchronously: serving checks it for every chunk it reads (see disk-version.ts). */
export async function versionOf(filePath: string): Promise<FileVersion | undefined> {
  try {
    const info = statSync(filePath, { throwIfNoEntry: false });
    return info?.isFile() === true ? { sizeBytes: info.size, mtimeMs: info.mtimeMs } : undefined;
  } catch {
    return undefined;
  }
}

export function isSameVersion(a: FileVersion, b: FileVersion): boolean {
  return a.sizeBytes === b.sizeBytes && a.mtimeMs === b.mtimeMs;
}

export async function describeFile(
  filePath: string,
  onProgress?: (bytesDone: number, totalBytes: number) => void,
): Promise<DescribedFile> {
  const before = await versionOf(filePath);
  if (before === undefined) throw new ShoalError('FILE_NOT_FOUND', `'${filePath}' is not a file`);
  const size = before.sizeBytes;
  const chunkSizeBytes = chunkSizeFor(size);
  const chunkHashes: string[] = [];
  const handle = await open(filePath, 'r');
  try {
    const buffer = Buffer.allocUnsafe(Math.min(chunkSizeBytes, Math.max(size, 1)));
    for (let index = 0; index < chunkCount(size, chunkSizeBytes); index += 1) {
      const { start, end } = chunkRange(size, chunkSizeBytes, index);
      const { bytesRead } = await handle.read(buffer, 0, end - start, start);
      if (bytesRead !== end - start) throw changedWhileReading(filePath);
      chunkHashes.push(createHash('sha256').update(buffer.subarray(0, bytesRead)).digest('hex'));
      onProgress?.(end, size);
    }
  } finally {
    await handle.close();
  }
  const after = await versionOf(filePath);
  if (after === undefined || !isSameVersion(before, after)) throw changedWhileReading(filePath);
  const manifest: Manifest = { size, chunkSizeBytes, chunkHashes };
  onProgress?.(size, size);
  return { manifest, contentId: await contentIdOf(manifest), version: before };
}

function changedWhileReading(filePath: string): ShoalError {
  return new ShoalError('BAD_REQUEST', `'${filePath}' changed while it was being read; share it again`);
}

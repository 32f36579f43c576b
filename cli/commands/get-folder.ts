/**
 * `shoal get` of a folder: downloads its manifest and every file in it through the engine (see
 * shared/node/folder-download.ts), then writes the tree under --out as `<folder name>/<path>`.
 * Paths come from another peer: each segment is made a safe file name and every target is checked
 * to lie inside the folder, so nothing is ever written outside --out.
 *
 * The files arrive in --out under their own names, like every download; each is then moved into the
 * tree (copied when this peer already held it elsewhere, say a file it shares in place). The
 * folder's manifest file is removed once read. Moved downloads leave the data dir's library entry
 * behind; the next check of the library finds them gone and forgets them.
 */
import { constants } from 'node:fs';
import { copyFile, mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { FolderProgress } from '../../shared/node/folder-download';
import { ShoalError } from '../../shared/protocol/errors';
import type { SearchResult } from '../../shared/protocol/tracker-messages';
import { freeFilePath } from '../node/free-path';
import { formatBytes } from '../output/format';
import { createProgress, progressModeFor } from '../output/progress';
import type { NodePeer } from '../node/node-peer';
import { safeFileName } from '../node/safe-file-name';

/** Where `relativePath` goes under `root`; throws if it would land outside it. */
export function pathInFolder(root: string, relativePath: string): string {
  const resolvedRoot = path.resolve(root);
  const target = path.resolve(resolvedRoot, ...relativePath.split('/').map(safeFileName));
  const relative = path.relative(resolvedRoot, target);
  if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) {
    throw new ShoalError('BAD_REQUEST', `The folder holds a path that would leave it: '${relativePath}'`);
  }
  return target;
}

/** Downloads the folder and writes its tree under `outDir`; returns the folder's path. */
export async function fetchFolderInto(
  peer: NodePeer,
  folder: SearchResult,
  outDir: string,
  options: { waitsForHolder: boolean; onProgress?: (progress: FolderProgress) => void },
): Promise<{ path: string; fileCount: number; totalBytes: number }> {
  const heldBefore = new Set<string>();
  for (const file of await peer.library.list()) heldBefore.add(file.contentId);
  const manifest = await peer.node.downloadFolder(folder, {
    waitsForHolder: options.waitsForHolder,
    ...(options.onProgress !== undefined ? { onProgress: options.onProgress } : {}),
  });
  const manifestPath = peer.store.pathOf(folder.contentId);
  if (manifestPath !== undefined && !heldBefore.has(folder.contentId) && path.dirname(manifestPath) === path.resolve(outDir)) {
    await rm(manifestPath, { force: true });
  }
  const root = await freeFilePath(outDir, manifest.name);
  await mkdir(root, { recursive: true });
  const moved = new Set<string>();
  for (const entry of manifest.entries) {
    const target = pathInFolder(root, entry.path);
    const source = peer.store.pathOf(entry.contentId);
    if (source === undefined) throw new ShoalError('FILE_NOT_FOUND', `'${entry.path}' is not on disk after its download`);
    await mkdir(path.dirname(target), { recursive: true });
    // A file downloaded by this run is moved into place once; the same bytes at another path, or a
    // file held before, are copied.
    const isOurDownload = !heldBefore.has(entry.contentId) && path.dirname(source) === path.resolve(outDir);
    if (isOurDownload && !moved.has(entry.contentId) && manifest.entries.filter((other) => other.contentId === entry.contentId).length === 1) {
      await rename(source, target);
      moved.add(entry.contentId);
    } else {
      await copyFile(source, target, constants.COPYFILE_EXCL);
    }
  }
  return { path: root, fileCount: manifest.entries.length, totalBytes: manifest.entries.reduce((sum, entry) => sum + entry.size, 0) };
}

/** The `get` command's folder case: one progress bar for the whole folder, then where it went. */
export async function getFolder(
  peer: NodePeer,
  folder: SearchResult,
  outDir: string,
  options: { isJson: boolean; waitsForHolder: boolean },
): Promise<void> {
  const progress = createProgress(folder.name, progressModeFor(process.stdout, options.isJson), process.stdout);
  let saved: Awaited<ReturnType<typeof fetchFolderInto>>;
  try {
    saved = await fetchFolderInto(peer, folder, outDir, {
      waitsForHolder: options.waitsForHolder,
      onProgress: ({ bytesDone, totalBytes }) => progress.update({ bytesDone, totalBytes }),
    });
  } finally {
    progress.end();
  }
  if (options.isJson) {
    process.stdout.write(
      `${JSON.stringify({ id: folder.contentId, name: folder.name, size: saved.totalBytes, fileCount: saved.fileCount, path: saved.path })}\n`,
    );
  } else {
    process.stdout.write(`Saved folder ${folder.name} (${saved.fileCount} files, ${formatBytes(saved.totalBytes)}) to ${saved.path}\n`);
  }
}

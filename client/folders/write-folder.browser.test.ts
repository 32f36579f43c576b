/**
 * "Save to folder…"'s writing in real Chromium: files shared into a real IndexedDB store are written
 * through the File System Access API into a directory of the origin private file system (the one
 * directory a test can get without the picker's dialog), then read back; and the browser's errors
 * become messages that say what to do.
 */
import { describe, expect, it } from 'vitest';
import { shareFile } from '../../shared/engine';
import { CHUNK, memorySource, randomBytes } from '../../shared/engine/test-fixtures';
import { buildFolderManifest } from '../../shared/protocol/folder-manifest';
import { IdbChunkStore } from '../adapters/idb-chunk-store';
import { failureOf, FolderWriteError, writeFolderInto, type FolderWriteProgress } from './write-folder';

async function freshDirectory(): Promise<FileSystemDirectoryHandle> {
  return (await navigator.storage.getDirectory()).getDirectoryHandle(`picked-${crypto.randomUUID()}`, { create: true });
}

async function readBack(directory: FileSystemDirectoryHandle, path: string): Promise<Uint8Array> {
  const segments = path.split('/');
  const fileName = segments.pop()!;
  let dir = directory;
  for (const segment of segments) dir = await dir.getDirectoryHandle(segment);
  return new Uint8Array(await (await (await dir.getFileHandle(fileName)).getFile()).arrayBuffer());
}

function isSameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.byteLength === b.byteLength && a.every((byte, index) => byte === b[index]);
}

/** A folder whose files are shared into a fresh IndexedDB store. */
async function storedFolder(name: string, contents: Map<string, Uint8Array>) {
  const store = new IdbChunkStore(`write-folder-${crypto.randomUUID()}`);
  const entries = [];
  for (const [path, bytes] of contents) {
    const record = await shareFile(memorySource(path.slice(path.lastIndexOf('/') + 1), bytes), store);
    entries.push({ path, contentId: record.contentId, size: bytes.byteLength, mimeType: record.mimeType });
  }
  return { store, manifest: buildFolderManifest(name, entries) };
}

describe('writeFolderInto', () => {
  it('writes every file at its path under the folder, chunk by chunk, under a free name', async () => {
    const contents = new Map([
      ['readme.txt', randomBytes(10)],
      ['photos/2024/sunset.jpg', randomBytes(CHUNK * 3 + 17)],
      ['photos/map.png', randomBytes(CHUNK)],
      ['empty.txt', new Uint8Array(0)],
    ]);
    const { store, manifest } = await storedFolder('Trip', contents);
    const parent = await freshDirectory();

    const reports: FolderWriteProgress[] = [];
    expect(await writeFolderInto(store, manifest, parent, (progress) => reports.push(progress))).toBe('Trip');
    const trip = await parent.getDirectoryHandle('Trip');
    for (const [path, bytes] of contents) expect(isSameBytes(await readBack(trip, path), bytes), path).toBe(true);
    const total = [...contents.values()].reduce((sum, bytes) => sum + bytes.byteLength, 0);
    expect(reports.at(-1)).toEqual({ filesWritten: 4, fileCount: 4, bytesWritten: total, totalBytes: total });
    // Chunk by chunk: the 3-chunk file alone reports 4 times as it is written.
    expect(reports.filter((report) => report.filesWritten === 1).length).toBeGreaterThanOrEqual(4);

    // Again into the same directory: the first copy stays as it is.
    expect(await writeFolderInto(store, manifest, parent)).toBe('Trip (1)');
    expect(isSameBytes(await readBack(await parent.getDirectoryHandle('Trip (1)'), 'readme.txt'), contents.get('readme.txt')!)).toBe(true);
  });

  it('says which file is missing from the store', async () => {
    const { store, manifest } = await storedFolder('Partial', new Map([['a.txt', randomBytes(5)]]));
    await store.deleteFile(manifest.entries[0]!.contentId);
    const failure = await writeFolderInto(store, manifest, await freshDirectory()).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(FolderWriteError);
    expect(failure).toMatchObject({ failure: 'missing', message: "'a.txt' is missing from this browser's storage; download the folder again." });
  });

  it('turns a name the browser refuses and a denied permission into messages that say what to do', async () => {
    // A name Chromium really refuses (a manifest cannot hold one, but a disk may refuse others, "con" on Windows).
    const refused = await (await freshDirectory()).getFileHandle('a/b', { create: true }).catch((error: unknown) => error);
    expect(failureOf(refused, 'notes/a/b', 'a/b')).toMatchObject({
      failure: 'name',
      message: "This browser does not allow the name 'a/b' on disk, so 'notes/a/b' could not be saved. Save the folder as a ZIP (Download) instead.",
    });
    // The error Chromium throws when write permission is denied; the private file system always
    // grants it, so it is made here.
    const denied = new DOMException('The request is not allowed by the user agent or the platform in the current context.', 'NotAllowedError');
    expect(failureOf(denied, 'photos/map.png', 'map.png')).toMatchObject({ failure: 'permission' });
    expect(failureOf(denied, 'photos/map.png', 'map.png').message).toContain("permission denied at 'photos/map.png'");
  });
});

/**
 * Wraps a browser File as the engine's FileSource (slices read on demand, never the whole file), and
 * as an OriginalFile to serve from while this session still has it.
 */
import type { FileSource, OriginalFile } from '../../shared/engine';

export function fileSourceOf(file: File): FileSource {
  return {
    name: file.name,
    size: file.size,
    mimeType: file.type || 'application/octet-stream',
    readSlice: (start, end) => readSlice(file, start, end),
  };
}

/** One OriginalFile per File, so its version stays the same for as long as the File is kept. */
const originalsByFile = new WeakMap<File, OriginalFile>();
let nextFileNumber = 0;

/**
 * The File as an original to serve from. Its version names the File object (a File picked again is a
 * new one), its size and lastModified: Chromium refuses to read a File whose file changed on disk
 * after it was picked (NotReadableError), so the bytes of one version cannot change unseen.
 */
export function originalFileOf(file: File): OriginalFile {
  let original = originalsByFile.get(file);
  if (original === undefined) {
    nextFileNumber += 1;
    original = {
      version: `file ${nextFileNumber}:${file.size}:${file.lastModified}`,
      readSlice: (start, end) => readSlice(file, start, end),
    };
    originalsByFile.set(file, original);
  }
  return original;
}

async function readSlice(file: File, start: number, end: number): Promise<Uint8Array> {
  return new Uint8Array(await file.slice(start, end).arrayBuffer());
}

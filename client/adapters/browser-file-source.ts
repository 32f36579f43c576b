/** Wraps a browser File as the engine's FileSource: slices are read on demand, never the whole file. */
import type { FileSource } from '../../shared/engine';

export function fileSourceOf(file: File): FileSource {
  return {
    name: file.name,
    size: file.size,
    mimeType: file.type || 'application/octet-stream',
    readSlice: async (start, end) => new Uint8Array(await file.slice(start, end).arrayBuffer()),
  };
}

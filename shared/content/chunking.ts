/** How a file is cut into chunks: the size policy and the byte range of each chunk. */

/** Smallest chunk: big enough that per-chunk overhead (a hash, a request, an IndexedDB write) is noise.
 * Measured in Chromium: 1 MiB Blobs are written to IndexedDB at about a third of the CPU per byte that
 * 256 KiB ones cost, and on a machine where the data channel already keeps the cores busy that is
 * the difference between 0.6 and 0.9 of its throughput (bench/RESULTS.md). */
export const MIN_CHUNK_SIZE_BYTES = 1024 * 1024;

/** At most this many chunks per file, so a manifest stays small enough for one data-channel frame
 * (1024 hex hashes are ~70 KB). Larger files get larger chunks instead. */
export const MAX_CHUNKS_PER_FILE = 1024;

/** The chunk size for a file: the smallest power of two >= MIN_CHUNK_SIZE_BYTES that keeps the chunk count within MAX_CHUNKS_PER_FILE. */
export function chunkSizeFor(fileSizeBytes: number): number {
  let chunkSize = MIN_CHUNK_SIZE_BYTES;
  while (Math.ceil(fileSizeBytes / chunkSize) > MAX_CHUNKS_PER_FILE) chunkSize *= 2;
  return chunkSize;
}

export function chunkCount(fileSizeBytes: number, chunkSizeBytes: number): number {
  return Math.ceil(fileSizeBytes / chunkSizeBytes);
}

/** Byte range [start, end) of chunk `index`. */
export function chunkRange(fileSizeBytes: number, chunkSizeBytes: number, index: number): { start: number; end: number } {
  const start = index * chunkSizeBytes;
  return { start, end: Math.min(start + chunkSizeBytes, fileSizeBytes) };
}

export function chunkLength(fileSizeBytes: number, chunkSizeBytes: number, index: number): number {
  const { start, end } = chunkRange(fileSizeBytes, chunkSizeBytes, index);
  return end - start;
}

/**
 * What identifies the bytes of a file on disk as they are now, for serving's verified-chunk cache
 * (ChunkStore.chunkVersion): inode, size, modification and change time. Every write moves ctime,
 * even one that sets mtime back (touch -r, rsync -t), and a file replaced by another has a new
 * inode; a write in the same tick of the kernel's timestamp clock (a few ms) as an earlier look can
 * go unseen, which is the trade-off (verified-chunks.ts).
 *
 * Read with a synchronous stat: serving a chunk asks two or three times, and an fs.promises stat is
 * a hop to the thread pool and back plus a promise (~13 µs of CPU against ~3 here, more on a busy
 * machine), where the call itself takes microseconds on a local disk. Times are the stat's
 * milliseconds with their fraction (sub-microsecond), which keeps every change the clock records.
 */
import { statSync } from 'node:fs';

export async function diskVersionOf(filePath: string): Promise<string | undefined> {
  try {
    const info = statSync(filePath, { throwIfNoEntry: false });
    return info?.isFile() === true ? `${info.ino}:${info.size}:${info.mtimeMs}:${info.ctimeMs}` : undefined;
  } catch {
    return undefined; // unreadable: the read fails too, and nothing is remembered
  }
}

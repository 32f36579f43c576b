/**
 * What identifies the bytes of a file on disk as they are now, for serving's verified-chunk cache
 * (ChunkStore.chunkVersion): inode, size, modification and change time. Every write moves ctime,
 * even one that sets mtime back (touch -r, rsync -t), and a file replaced by another has a new
 * inode; a write in the same tick of the kernel's timestamp clock (a few ms) as an earlier look can
 * go unseen, which is the trade-off (verified-chunks.ts).
 */
import { stat } from 'node:fs/promises';

export async function diskVersionOf(filePath: string): Promise<string | undefined> {
  try {
    const info = await stat(filePath, { bigint: true });
    return info.isFile() ? `${info.ino}:${info.size}:${info.mtimeNs}:${info.ctimeNs}` : undefined;
  } catch {
    return undefined; // gone: the read fails too, and nothing is remembered
  }
}

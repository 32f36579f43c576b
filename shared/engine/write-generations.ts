/**
 * Write generations for stores that hold chunks in memory or in IndexedDB: a number per chunk that
 * changes as a write of it starts and again as it ends, and per file when the file is deleted. The
 * pair is the store's `chunkVersion`, so a reader that sees the same version before and after its
 * read knows no write through this store touched the chunk in between (see verified-chunks.ts).
 * It knows only about writes made through the store object that owns it: that is its trade-off.
 */
export class WriteGenerations {
  /** One counter for everything, so a number is never handed out twice, even after a delete. */
  private counter = 0;
  private readonly chunkGenerations = new Map<string, Map<number, number>>();
  private readonly fileGenerations = new Map<string, number>();

  /** Call as a write of the chunk starts and again when it settles (done or failed). */
  chunkWritten(contentId: string, index: number): void {
    let byIndex = this.chunkGenerations.get(contentId);
    if (byIndex === undefined) {
      byIndex = new Map();
      this.chunkGenerations.set(contentId, byIndex);
    }
    this.counter += 1;
    byIndex.set(index, this.counter);
  }

  /** Call as a file's chunks are deleted (start and end, as for writes). */
  fileDeleted(contentId: string): void {
    this.chunkGenerations.delete(contentId);
    this.counter += 1;
    this.fileGenerations.set(contentId, this.counter);
  }

  /** Changes whenever a write or delete of the chunk starts or settles. */
  versionOf(contentId: string, index: number): string {
    const file = this.fileGenerations.get(contentId) ?? 0;
    const chunk = this.chunkGenerations.get(contentId)?.get(index) ?? 0;
    return `w${file}.${chunk}`;
  }

  /** Runs a write of one chunk between its two generation steps. */
  async aroundChunkWrite<T>(contentId: string, index: number, write: () => Promise<T>): Promise<T> {
    this.chunkWritten(contentId, index);
    try {
      return await write();
    } finally {
      this.chunkWritten(contentId, index);
    }
  }

  /** Runs a delete of a file between its two generation steps. */
  async aroundFileDelete<T>(contentId: string, remove: () => Promise<T>): Promise<T> {
    this.fileDeleted(contentId);
    try {
      return await remove();
    } finally {
      this.fileDeleted(contentId);
    }
  }
}

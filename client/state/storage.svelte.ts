/**
 * Browser storage use, from the storage estimate, so people see what their shares cost and what is
 * left. Pages over plain http:// from another machine have no navigator.storage (it is for secure
 * pages only): use then stays unknown, the settings say it is not reported, and downloads are not
 * refused up front.
 */

export class Storage {
  usedBytes = $state<number | undefined>(undefined);
  quotaBytes = $state<number | undefined>(undefined);

  get availableBytes(): number | undefined {
    if (this.usedBytes === undefined || this.quotaBytes === undefined) return undefined;
    return Math.max(0, this.quotaBytes - this.usedBytes);
  }

  async refresh(): Promise<void> {
    // The DOM types say navigator.storage is always there; on an insecure page it is undefined.
    const storage = navigator.storage as StorageManager | undefined;
    if (storage?.estimate === undefined) return;
    const estimate = await storage.estimate().catch(() => undefined);
    this.usedBytes = estimate?.usage;
    this.quotaBytes = estimate?.quota;
  }

  /** Asks the browser not to evict our data under storage pressure (it may say no; shares still work). */
  async requestPersistence(): Promise<void> {
    const storage = navigator.storage as StorageManager | undefined;
    if (storage?.persist !== undefined) await storage.persist().catch(() => false);
  }
}

/** Browser storage use, from the storage estimate, so people see what their shares cost and what is left. */

export class Storage {
  usedBytes = $state<number | undefined>(undefined);
  quotaBytes = $state<number | undefined>(undefined);

  get availableBytes(): number | undefined {
    if (this.usedBytes === undefined || this.quotaBytes === undefined) return undefined;
    return Math.max(0, this.quotaBytes - this.usedBytes);
  }

  async refresh(): Promise<void> {
    if (!navigator.storage?.estimate) return;
    const estimate = await navigator.storage.estimate();
    this.usedBytes = estimate.usage;
    this.quotaBytes = estimate.quota;
  }

  /** Asks the browser not to evict our data under storage pressure (it may say no; shares still work). */
  async requestPersistence(): Promise<void> {
    if (navigator.storage?.persist) await navigator.storage.persist().catch(() => false);
  }
}

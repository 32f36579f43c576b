/**
 * How many Socket.IO connections each client address holds, so the connection cap can refuse one
 * more. One tracker process counts in memory; several on Redis share `RedisConnectionCounter`.
 */

export interface ConnectionCounter {
  /**
   * Counts one more connection from the address unless it already holds `limit`; true when it was
   * counted (and must later be released), false when the address is at its limit.
   */
  tryAcquire(address: string, limit: number): Promise<boolean>;
  /** Uncounts one connection that `tryAcquire` counted. */
  release(address: string): Promise<void>;
  /** Stops timers and lets go of what this process counted; the caller closes any shared client. */
  close(): Promise<void>;
}

/** The counter for one tracker process: a map of address to open connections. */
export class MemoryConnectionCounter implements ConnectionCounter {
  private readonly counts = new Map<string, number>();

  async tryAcquire(address: string, limit: number): Promise<boolean> {
    const count = this.counts.get(address) ?? 0;
    if (count >= limit) return false;
    this.counts.set(address, count + 1);
    return true;
  }

  async release(address: string): Promise<void> {
    const count = (this.counts.get(address) ?? 0) - 1;
    // Addresses with no connection are forgotten, so the map only holds connected addresses.
    if (count > 0) this.counts.set(address, count);
    else this.counts.delete(address);
  }

  async close(): Promise<void> {
    this.counts.clear();
  }
}

/**
 * Holder lists a folder download looked up to rank its files (rarest-first-files.ts), kept so each
 * file's download starts from that answer instead of asking the tracker a second time: one lookup
 * per file, not two, inside the tracker's lookup budget. Each is used once, and only while fresh;
 * a download asks again by itself when the holders it was given fail.
 */
import type { Clock } from '../engine';
import type { Holder } from '../protocol/tracker-messages';

/** Older than this, a kept list is dropped: a file queued behind big ones asks afresh. */
export const KEPT_HOLDERS_MAX_AGE_MS = 15_000;

export class KeptHolders {
  private readonly kept = new Map<string, { holders: Holder[]; atMs: number }>();

  constructor(private readonly clock: Clock) {}

  keep(contentId: string, holders: Holder[]): void {
    this.dropStale();
    this.kept.set(contentId, { holders, atMs: this.clock.now() });
  }

  /** The kept list for `contentId`, once; undefined when none is kept or it is stale. */
  take(contentId: string): Holder[] | undefined {
    const entry = this.kept.get(contentId);
    if (entry === undefined) return undefined;
    this.kept.delete(contentId);
    return this.clock.now() - entry.atMs <= KEPT_HOLDERS_MAX_AGE_MS ? entry.holders : undefined;
  }

  private dropStale(): void {
    const now = this.clock.now();
    for (const [contentId, entry] of this.kept) if (now - entry.atMs > KEPT_HOLDERS_MAX_AGE_MS) this.kept.delete(contentId);
  }
}

/**
 * Announces files to the tracker in batches. An announce goes out at once when none went out in
 * the last ANNOUNCE_BATCH_GAP_MS; files announced meanwhile (or while one is under way) wait and go
 * together in the next. A folder download, whose files each announce when they start and again
 * when they complete, so costs a few announces a second instead of one per file: the tracker's
 * share-change budget (by default a burst of 40, then 10 a second) is never exhausted by it.
 */
import type { Clock } from '../engine';
import { ANNOUNCE_MAX_FILES } from '../protocol/limits';
import type { FileAnnouncement } from '../protocol/tracker-messages';

/** At most 1000 / this (5) announces a second from one peer: half the tracker's default refill of 10,
 * leaving room for withdrawals. Short, because a completed download waits for its announce. */
export const ANNOUNCE_BATCH_GAP_MS = 200;

interface Batch {
  files: Map<string, FileAnnouncement>;
  sent: Promise<void>;
  resolve: () => void;
  reject: (error: unknown) => void;
}

export class AnnounceBatcher {
  private next: Batch | undefined;
  private isSending = false;
  private lastSentAtMs = Number.NEGATIVE_INFINITY;
  private cancelTimer: (() => void) | undefined;

  constructor(
    private readonly send: (files: FileAnnouncement[]) => Promise<void>,
    private readonly clock: Clock,
  ) {}

  /** Resolves once the batch holding these files has been announced; rejects with its error. */
  announce(files: readonly FileAnnouncement[]): Promise<void> {
    if (files.length === 0) return Promise.resolve();
    const batch = (this.next ??= newBatch());
    // A file announced twice before the batch goes (partial, then complete) is announced once, as last said.
    for (const file of files) batch.files.set(file.contentId, file);
    this.schedule();
    return batch.sent;
  }

  /** Takes files out of the waiting batch: they are being withdrawn, and a later announce must not bring them back. */
  forget(contentIds: readonly string[]): void {
    for (const contentId of contentIds) this.next?.files.delete(contentId);
  }

  private schedule(): void {
    if (this.isSending || this.cancelTimer !== undefined) return;
    const waitMs = Math.max(0, this.lastSentAtMs + ANNOUNCE_BATCH_GAP_MS - this.clock.now());
    // Even with no wait, after the current task: announces made together (a loop) go together.
    this.cancelTimer = this.clock.setTimer(() => {
      this.cancelTimer = undefined;
      void this.flush();
    }, waitMs);
  }

  private async flush(): Promise<void> {
    const batch = this.next;
    this.next = undefined;
    if (batch === undefined) return;
    this.isSending = true;
    this.lastSentAtMs = this.clock.now();
    try {
      const files = [...batch.files.values()];
      for (let first = 0; first < files.length; first += ANNOUNCE_MAX_FILES) {
        await this.send(files.slice(first, first + ANNOUNCE_MAX_FILES));
      }
      batch.resolve();
    } catch (error) {
      batch.reject(error);
    } finally {
      this.isSending = false;
      this.lastSentAtMs = this.clock.now();
      if (this.next !== undefined) this.schedule();
    }
  }
}

function newBatch(): Batch {
  let resolve: () => void = () => undefined;
  let reject: (error: unknown) => void = () => undefined;
  const sent = new Promise<void>((resolveSent, rejectSent) => {
    resolve = resolveSent;
    reject = rejectSent;
  });
  // Callers may not wait (a fire-and-forget partial announce); the failure is theirs to hear, not the process's.
  sent.catch(() => undefined);
  return { files: new Map(), sent, resolve, reject };
}

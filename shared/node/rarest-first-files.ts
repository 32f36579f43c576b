/**
 * The order a folder's files are fetched in: rarest first (fewest holders, ties by path), a few at
 * a time, so the files only a few peers hold reach more peers before the common ones.
 *
 * Holder counts cost one tracker lookup per file, and the tracker limits lookups per connection
 * (by default a burst of 60, then 20 a second). So the first RARITY_LOOKUP_BURST files are counted
 * at once and ranked before anything starts; a bigger folder's other files are counted at
 * RARITY_LOOKUPS_PER_SECOND while the first ones download, each taking its place among the files
 * still waiting as its count arrives. The rest of the budget stays for the downloads' own lookups.
 * A file whose count the tracker did not give (refused, unreachable) goes after the counted ones.
 */
import type { Clock } from '../engine';

/** Lookups asked at once before the first file starts: well inside the tracker's default burst. */
export const RARITY_LOOKUP_BURST = 40;
/** Then this many a second: half the tracker's default refill. */
export const RARITY_LOOKUPS_PER_SECOND = 10;
/** Lookups in flight at once. */
const LOOKUPS_IN_FLIGHT = 4;
/** Files fetched at once: enough to keep every holder's upload busy with small files, few enough
 * that the order means something (all at once, every file would start together). */
export const FOLDER_FILES_IN_PARALLEL = 6;

export interface RankedFile {
  path: string;
  contentId: string;
}

export interface RarestFirstOptions {
  /** How many peers hold a file now (never counting ourselves). */
  holderCount: (contentId: string) => Promise<number>;
  clock: Clock;
  filesInParallel?: number;
}

/** Runs `fetch` for every file, rarest first, `filesInParallel` at a time; rejects with the first
 * failure (files already under way go on; no new one starts). */
export async function fetchRarestFirst<T extends RankedFile>(
  files: readonly T[],
  fetch: (file: T) => Promise<void>,
  options: RarestFirstOptions,
): Promise<void> {
  const queue = new RankedQueue<T>();
  let hasFailed = false;
  const counting = countHolders(files, queue, options, () => hasFailed);
  await counting.burstDone;
  const worker = async (): Promise<void> => {
    for (;;) {
      if (hasFailed) return;
      const next = queue.takeRarest();
      if (next !== undefined) {
        try {
          await fetch(next);
        } catch (error) {
          hasFailed = true;
          queue.wakeAll();
          throw error;
        }
      } else if (counting.isDone()) {
        return;
      } else {
        await queue.nextArrival();
      }
    }
  };
  const workerCount = Math.max(1, Math.min(options.filesInParallel ?? FOLDER_FILES_IN_PARALLEL, files.length));
  try {
    await Promise.all(Array.from({ length: workerCount }, worker));
  } finally {
    counting.stop();
  }
}

/** Files waiting to start, kept in rank order. */
class RankedQueue<T extends RankedFile> {
  private readonly waiting: { file: T; holders: number }[] = [];
  private wakers: (() => void)[] = [];

  add(file: T, holders: number): void {
    const at = this.waiting.findIndex((other) => holders < other.holders || (holders === other.holders && file.path < other.file.path));
    this.waiting.splice(at === -1 ? this.waiting.length : at, 0, { file, holders });
    this.wakeAll();
  }

  takeRarest(): T | undefined {
    return this.waiting.shift()?.file;
  }

  nextArrival(): Promise<void> {
    return new Promise((resolve) => this.wakers.push(resolve));
  }

  wakeAll(): void {
    const wakers = this.wakers;
    this.wakers = [];
    for (const wake of wakers) wake();
  }
}

/** Counts every file's holders into `queue`: the burst at once, the rest paced. */
function countHolders<T extends RankedFile>(
  files: readonly T[],
  queue: RankedQueue<T>,
  options: RarestFirstOptions,
  hasFailed: () => boolean,
): { burstDone: Promise<void>; isDone: () => boolean; stop: () => void } {
  const inPathOrder = [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  let isDone = false;
  let cancelTimer: (() => void) | undefined;
  const countOne = async (file: T): Promise<void> => {
    let holders = Number.POSITIVE_INFINITY;
    try {
      holders = await options.holderCount(file.contentId);
    } catch {
      // Unknown: ranked after every counted file (see the module comment).
    }
    queue.add(file, holders);
  };
  const burst = inPathOrder.slice(0, RARITY_LOOKUP_BURST);
  const rest = inPathOrder.slice(RARITY_LOOKUP_BURST);
  const burstDone = (async () => {
    let next = 0;
    const lane = async (): Promise<void> => {
      while (next < burst.length) await countOne(burst[next++]!);
    };
    await Promise.all(Array.from({ length: LOOKUPS_IN_FLIGHT }, lane));
  })();
  const countRestPaced = async (): Promise<void> => {
    await burstDone;
    for (const file of rest) {
      if (hasFailed() || isDone) break;
      await new Promise<void>((resolve) => {
        cancelTimer = options.clock.setTimer(resolve, 1_000 / RARITY_LOOKUPS_PER_SECOND);
      });
      await countOne(file);
    }
    isDone = true;
    queue.wakeAll();
  };
  void countRestPaced();
  return {
    burstDone,
    isDone: () => isDone,
    stop: () => {
      isDone = true;
      cancelTimer?.();
      queue.wakeAll();
    },
  };
}

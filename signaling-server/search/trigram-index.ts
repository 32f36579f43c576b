/**
 * Trigram postings for search: every three-character window of a lowercased file name points to
 * the slots of the content groups whose names contain it. A word of three or more characters can
 * only be a substring of a name holding all its trigrams, so the shortest posting among a query's
 * trigrams is a complete candidate list, usually far shorter than the index; the next shortest
 * postings then narrow it further, at a few nanoseconds per entry against a few hundred to check
 * a candidate's names.
 *
 * Postings are a filter, not an answer: removing a name only counts the entries it leaves behind
 * (stale, or pointing at a reused slot), and a posting is compacted once half of it may be stale.
 * Callers verify every candidate with the exact rule, so stale entries cost time, never results.
 * Characters are UTF-16 code units, the same units `String.prototype.includes` matches on.
 */

/** A word shorter than this has no trigram to narrow a search with; it is checked on the candidates. */
export const GRAM_LENGTH = 3;

interface Posting {
  slots: Int32Array;
  length: number;
  /** Upper bound on entries no longer valid; compaction resets it. */
  stale: number;
}

/** Says whether the group now in `slot` has a name holding every word; asked with one trigram. */
export type SlotMatches = (slot: number, words: readonly string[]) => boolean;

const NO_CANDIDATES = new Int32Array(0);

/**
 * A longer posting is worth intersecting while it is at most this many times the candidates left:
 * passing one entry costs ~5 ns, checking one candidate's names ~200 ns or more. Once few
 * candidates are left, checking them beats reading long postings.
 */
const MAX_INTERSECT_RATIO = 32;

/** The trigram at `start` as one number: three 16-bit code units fit exactly in a double. */
function gramKey(text: string, start: number): number {
  return text.charCodeAt(start) * 2 ** 32 + text.charCodeAt(start + 1) * 2 ** 16 + text.charCodeAt(start + 2);
}

function gramText(key: number): string {
  return String.fromCharCode(Math.floor(key / 2 ** 32), Math.floor(key / 2 ** 16) % 2 ** 16, key % 2 ** 16);
}

function distinctGrams(name: string): Set<number> {
  const lowerName = name.toLowerCase();
  const keys = new Set<number>();
  for (let start = 0; start + GRAM_LENGTH <= lowerName.length; start += 1) keys.add(gramKey(lowerName, start));
  return keys;
}

export class TrigramIndex {
  private readonly postings = new Map<number, Posting>();
  /** Per-slot scratch for intersecting postings: the query that last touched a slot, and how many postings held it. */
  private queryOfSlot = new Int32Array(0);
  private postingsHoldingSlot = new Uint8Array(0);
  private queryNumber = 0;

  constructor(private readonly slotMatches: SlotMatches) {}

  /** Records that the group in `slot` is now announced under `name`. */
  addName(slot: number, name: string): void {
    for (const key of distinctGrams(name)) {
      let posting = this.postings.get(key);
      if (posting === undefined) {
        posting = { slots: new Int32Array(2), length: 0, stale: 0 };
        this.postings.set(key, posting);
      }
      if (posting.length === posting.slots.length) {
        const grown = new Int32Array(posting.slots.length * 2);
        grown.set(posting.slots);
        posting.slots = grown;
      }
      posting.slots[posting.length] = slot;
      posting.length += 1;
    }
    if (slot >= this.queryOfSlot.length) this.growScratch(slot);
  }

  /** Records that some group is no longer announced under `name` (its slot may already be reused). */
  removeName(name: string): void {
    for (const key of distinctGrams(name)) {
      const posting = this.postings.get(key);
      if (posting === undefined) continue;
      posting.stale += 1;
      if (posting.stale * 2 >= posting.length) this.compact(key, posting);
    }
  }

  /**
   * Slots that may match every word (possibly stale), or undefined when no word is long enough to
   * have a trigram and only a scan of all groups can answer.
   */
  candidates(words: readonly string[]): ArrayLike<number> | undefined {
    const postings = new Set<Posting>();
    for (const word of words) {
      for (let start = 0; start + GRAM_LENGTH <= word.length; start += 1) {
        const posting = this.postings.get(gramKey(word, start));
        if (posting === undefined) return NO_CANDIDATES;
        postings.add(posting);
      }
    }
    if (postings.size === 0) return undefined;
    const byLength = [...postings].sort((a, b) => a.length - b.length);
    return this.intersect(byLength);
  }

  /** Distinct trigrams and posting entries held, so tests can see compaction. */
  size(): { grams: number; entries: number } {
    let entries = 0;
    for (const posting of this.postings.values()) entries += posting.length;
    return { grams: this.postings.size, entries };
  }

  /** Slots of the shortest posting that the next short enough postings hold too, each once. */
  private intersect(byLength: readonly Posting[]): number[] {
    const shortest = byLength[0]!;
    const query = this.nextQueryNumber();
    const { queryOfSlot, postingsHoldingSlot } = this;
    for (let index = 0; index < shortest.length; index += 1) {
      const slot = shortest.slots[index]!;
      queryOfSlot[slot] = query;
      postingsHoldingSlot[slot] = 1;
    }
    let used = 1;
    let remaining = shortest.length;
    // The count is a byte; past 255 postings the candidates are narrow enough anyway.
    for (const posting of byLength.slice(1, 255)) {
      if (posting.length > remaining * MAX_INTERSECT_RATIO) break;
      remaining = 0;
      for (let index = 0; index < posting.length; index += 1) {
        const slot = posting.slots[index]!;
        // A slot repeated in a posting counts once: only a count equal to `used` moves on.
        if (queryOfSlot[slot] === query && postingsHoldingSlot[slot] === used) {
          postingsHoldingSlot[slot] = used + 1;
          remaining += 1;
        }
      }
      used += 1;
    }
    const candidates: number[] = [];
    for (let index = 0; index < shortest.length; index += 1) {
      const slot = shortest.slots[index]!;
      if (postingsHoldingSlot[slot] !== used) continue;
      postingsHoldingSlot[slot] = 0;
      candidates.push(slot);
    }
    return candidates;
  }

  private nextQueryNumber(): number {
    if (this.queryNumber === 2 ** 31 - 1) {
      this.queryOfSlot.fill(0);
      this.queryNumber = 0;
    }
    this.queryNumber += 1;
    return this.queryNumber;
  }

  private growScratch(slot: number): void {
    const length = Math.max(1024, (slot + 1) * 2);
    const queryOfSlot = new Int32Array(length);
    queryOfSlot.set(this.queryOfSlot);
    this.queryOfSlot = queryOfSlot;
    this.postingsHoldingSlot = new Uint8Array(length);
  }

  private compact(key: number, posting: Posting): void {
    const gramAsWords = [gramText(key)];
    const kept = new Set<number>();
    for (let index = 0; index < posting.length; index += 1) {
      const slot = posting.slots[index]!;
      if (this.slotMatches(slot, gramAsWords)) kept.add(slot);
    }
    if (kept.size === 0) {
      this.postings.delete(key);
      return;
    }
    // Shrink only when mostly empty, so a posting that breathes in and out does not reallocate.
    const capacity = kept.size * 4 < posting.slots.length ? Math.max(2, kept.size * 2) : posting.slots.length;
    const slots = capacity === posting.slots.length ? posting.slots : new Int32Array(capacity);
    let length = 0;
    for (const slot of kept) slots[length++] = slot;
    posting.slots = slots;
    posting.length = length;
    posting.stale = 0;
  }
}

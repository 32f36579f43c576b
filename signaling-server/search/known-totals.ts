/**
 * Totals of recent expensive queries, kept exact per change so asking again costs a page, not a
 * check of every candidate. Live searches repeat: every peer told its results changed asks the
 * same query again, and a common word ('2024', 'mp3') is asked by many. Only queries whose total
 * took many checks are remembered, and only a few, because each change of a group's names is
 * checked against every remembered query (twice: before and after).
 */

/** Remembered queries; each adds two substring checks to every change of a group's names. */
const DEFAULT_CAPACITY = 16;

interface KnownTotal {
  words: readonly string[];
  total: number;
}

/** Says whether a group has a name holding every word. */
export type GroupMatches = (words: readonly string[]) => boolean;

export class KnownTotals {
  /** Query key -> total; Map order is least recently used first. */
  private readonly totals = new Map<string, KnownTotal>();

  constructor(private readonly capacity = DEFAULT_CAPACITY) {
    // One bit each in a 32-bit mask.
    if (capacity > 30) throw new Error('At most 30 totals can be remembered');
  }

  get isEmpty(): boolean {
    return this.totals.size === 0;
  }

  /** The exact total of the query with these (distinct, sorted) words, if remembered. */
  totalOf(words: readonly string[]): number | undefined {
    const key = words.join(' ');
    const known = this.totals.get(key);
    if (known === undefined) return undefined;
    this.totals.delete(key);
    this.totals.set(key, known);
    return known.total;
  }

  remember(words: readonly string[], total: number): void {
    const key = words.join(' ');
    this.totals.delete(key);
    this.totals.set(key, { words, total });
    if (this.totals.size > this.capacity) this.totals.delete(this.totals.keys().next().value!);
  }

  /** One bit per remembered query, in remembering order: does the group match it now. */
  matchesOf(groupMatches: GroupMatches): number {
    let bits = 0;
    let bit = 1;
    for (const known of this.totals.values()) {
      if (groupMatches(known.words)) bits |= bit;
      bit *= 2;
    }
    return bits;
  }

  /**
   * A group went from matching `before` to `after` (bits from `matchesOf`, with no remember or
   * look-up in between, so the order is the same).
   */
  follow(before: number, after: number): void {
    if (before === after) return;
    let bit = 1;
    for (const known of this.totals.values()) {
      const wasMatching = (before & bit) !== 0;
      const isMatching = (after & bit) !== 0;
      if (wasMatching !== isMatching) known.total += isMatching ? 1 : -1;
      bit *= 2;
    }
  }
}

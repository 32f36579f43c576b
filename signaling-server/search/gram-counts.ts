/**
 * Exact counts of content groups per 1-, 2- and 3-character window of their lowercased names: a
 * one-word query of up to three characters matches exactly the groups counted under it, so its
 * total costs one lookup instead of a check of every candidate (a 2-letter word is in almost half
 * of the names at a million files). Only counts are kept, no lists: the page itself comes from
 * walking the result order, which is short exactly when the count is large.
 *
 * A group counts once however many of its names hold the window, so callers pass the group's
 * whole set of names before and after each change. Characters are UTF-16 code units, the units
 * `String.prototype.includes` matches on.
 */

/** Longest word counted; longer words are narrowed by the trigram postings and checked. */
export const MAX_COUNTED_LENGTH = 3;

/** A window of one to three code units as one number: 48 bits of units plus its length above them. */
function windowKey(text: string, start: number, length: number): number {
  let key = length;
  for (let offset = 0; offset < length; offset += 1) key = key * 2 ** 16 + text.charCodeAt(start + offset);
  return key;
}

interface WindowCount {
  count: number;
  /** The last adjustment that counted this window: a name holding it twice counts once. */
  adjustment: number;
}

export class GramCounts {
  private readonly counts = new Map<number, WindowCount>();
  private adjustment = 0;

  /** One group's set of names went from `before` to `after` (either may be empty). */
  change(before: readonly string[], after: readonly string[]): void {
    this.adjust(before, -1);
    this.adjust(after, 1);
  }

  /** Groups with a name holding `word` (lowercase, 1 to 3 code units). */
  countOf(word: string): number {
    if (word.length === 0 || word.length > MAX_COUNTED_LENGTH) throw new Error(`Only words of 1 to ${MAX_COUNTED_LENGTH} characters are counted`);
    return this.counts.get(windowKey(word, 0, word.length))?.count ?? 0;
  }

  /** Adds `delta` once to each window held by one or more of `names`. */
  private adjust(names: readonly string[], delta: number): void {
    if (names.length === 0) return;
    const adjustment = ++this.adjustment;
    let emptied: number[] | undefined;
    for (const name of names) {
      const lowerName = name.toLowerCase();
      for (let length = 1; length <= MAX_COUNTED_LENGTH; length += 1) {
        for (let start = 0; start + length <= lowerName.length; start += 1) {
          const key = windowKey(lowerName, start, length);
          let entry = this.counts.get(key);
          if (entry === undefined) {
            entry = { count: 0, adjustment: 0 };
            this.counts.set(key, entry);
          }
          if (entry.adjustment === adjustment) continue;
          entry.adjustment = adjustment;
          entry.count += delta;
          if (entry.count === 0) (emptied ??= []).push(key);
        }
      }
    }
    // Deleted after the pass: a window met again in the same pass must find its entry.
    for (const key of emptied ?? []) this.counts.delete(key);
  }
}

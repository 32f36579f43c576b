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

function windowsOf(names: readonly string[]): Set<number> {
  const keys = new Set<number>();
  for (const name of names) {
    const lowerName = name.toLowerCase();
    for (let length = 1; length <= MAX_COUNTED_LENGTH; length += 1) {
      for (let start = 0; start + length <= lowerName.length; start += 1) keys.add(windowKey(lowerName, start, length));
    }
  }
  return keys;
}

export class GramCounts {
  private readonly counts = new Map<number, number>();

  /** One group's set of names went from `before` to `after` (either may be empty). */
  change(before: readonly string[], after: readonly string[]): void {
    const removed = windowsOf(before);
    const added = windowsOf(after);
    for (const key of removed) {
      if (added.delete(key)) continue;
      const count = (this.counts.get(key) ?? 0) - 1;
      if (count > 0) this.counts.set(key, count);
      else this.counts.delete(key);
    }
    for (const key of added) this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }

  /** Groups with a name holding `word` (lowercase, 1 to 3 code units). */
  countOf(word: string): number {
    if (word.length === 0 || word.length > MAX_COUNTED_LENGTH) throw new Error(`Only words of 1 to ${MAX_COUNTED_LENGTH} characters are counted`);
    return this.counts.get(windowKey(word, 0, word.length)) ?? 0;
  }
}

/** How the tracker compares display names, shared by every store so uniqueness and order agree. */

const displayCollator = new Intl.Collator('en', { sensitivity: 'base', numeric: true });

/**
 * The key two names collide on: case-folded and Unicode-normalized, so "Ana", "ANA" and an "Ána"
 * typed with a combining accent cannot pass for different people.
 */
export function nameKey(name: string): string {
  return name.normalize('NFKC').toLowerCase();
}

/** Case-insensitive, numbers in numeric order ("peer 2" before "peer 10"). */
export function compareNames(a: string, b: string): number {
  return displayCollator.compare(a, b);
}

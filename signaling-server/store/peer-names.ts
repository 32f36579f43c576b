/** How the tracker compares display names, shared by every store so uniqueness and order agree. */
export { compareNames } from '../../shared/protocol/peer-order';

/**
 * The key two names collide on: case-folded and Unicode-normalized, so "Ana", "ANA" and an "Ána"
 * typed with a combining accent cannot pass for different people.
 */
export function nameKey(name: string): string {
  return name.normalize('NFKC').toLowerCase();
}

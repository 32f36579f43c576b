/** The one order of the peer list, so the tracker's list and every peer's converged copy agree. */
import type { PeerSummary } from './tracker-messages';

const displayCollator = new Intl.Collator('en', { sensitivity: 'base', numeric: true });

/** Case-insensitive, numbers in numeric order ("peer 2" before "peer 10"). */
export function compareNames(a: string, b: string): number {
  return displayCollator.compare(a, b);
}

/** By name, then by id, so two names equal to the collator still sort the same way everywhere. */
export function comparePeers(a: PeerSummary, b: PeerSummary): number {
  return compareNames(a.name, b.name) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

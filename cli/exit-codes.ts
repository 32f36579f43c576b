/** Exit codes: 0 for success, and one per kind of failure so scripts can tell them apart. */
import { exitKindOf, ShoalError, type ExitKind } from '../shared/protocol/errors';
import { TrackerUnreachableError } from './node/tracker-unreachable-error';

export const EXIT_CODES = {
  ok: 0,
  /** Anything else: a transfer that failed, an unexpected error. */
  failed: 1,
  /** The command line or the request was wrong (usage, a taken name, an ambiguous file name). */
  badArguments: 2,
  trackerUnreachable: 3,
  /** No file by that id or name on the network, or no such path to share. */
  notFound: 4,
  /** The file exists but no peer holding it is online or reachable. */
  noHolder: 5,
} as const satisfies Record<ExitKind | 'ok' | 'trackerUnreachable', number>;

export function exitCodeFor(error: unknown): number {
  if (error instanceof TrackerUnreachableError) return EXIT_CODES.trackerUnreachable;
  // Each code's kind of exit sits beside it in the error table.
  if (error instanceof ShoalError) return EXIT_CODES[exitKindOf(error.code)];
  return EXIT_CODES.failed;
}

/** Exit codes: 0 for success, and one per kind of failure so scripts can tell them apart. */
import { ShoalError, type ErrorCode } from '../shared/protocol/errors';
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
} as const;

const exitCodeByErrorCode: Partial<Record<ErrorCode, number>> = {
  BAD_REQUEST: EXIT_CODES.badArguments,
  NAME_INVALID: EXIT_CODES.badArguments,
  NAME_TAKEN: EXIT_CODES.badArguments,
  NETWORK_KEY_INVALID: EXIT_CODES.badArguments,
  UNAUTHORIZED: EXIT_CODES.badArguments,
  FILE_NOT_FOUND: EXIT_CODES.notFound,
  NO_HOLDER: EXIT_CODES.noHolder,
  PEER_UNREACHABLE: EXIT_CODES.noHolder,
};

export function exitCodeFor(error: unknown): number {
  if (error instanceof TrackerUnreachableError) return EXIT_CODES.trackerUnreachable;
  if (error instanceof ShoalError) return exitCodeByErrorCode[error.code] ?? EXIT_CODES.failed;
  return EXIT_CODES.failed;
}

/**
 * Why each holder of a file failed during one download, when it may be tried again, and what a
 * person reads while no holder can send the file ("No peer holding 'report.pdf' is online; ...").
 * A holder that sent bad data is dropped for the file for good; one that failed in a way that may
 * pass (unreachable, stopped answering) is tried again after a back-off that doubles each time.
 */
import { asShoalError, errorWithOutlook, ShoalError, type ErrorCode } from '../protocol/errors';
import type { Holder } from '../protocol/tracker-messages';
import { HOLDER_RETRY_BACKOFF_MAX_MS, HOLDER_RETRY_BACKOFF_MS } from './transfer-policy';
import { PeerUnreachableError } from './transport';

export interface HolderFailure {
  peerId: string;
  name: string;
  code: ErrorCode;
  message: string;
  /** The holder sent corrupt data or a manifest that does not match: it is not asked again for this file. */
  isDropped: boolean;
}

interface FailureEntry extends HolderFailure {
  failureCount: number;
  retryAtMs: number;
  /** Set when the transport said why no path reached the holder; the message then names it. */
  isUnreachableWithReason: boolean;
}

export interface RetryBackoff {
  initialMs: number;
  maxMs: number;
}

/** Failures that show the holder's copy (or the holder) cannot be trusted for this file. */
const BAD_DATA_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['CHUNK_CORRUPT', 'MANIFEST_MISMATCH']);

export class HolderFailures {
  private readonly byPeer = new Map<string, FailureEntry>();

  constructor(
    private readonly backoff: RetryBackoff = { initialMs: HOLDER_RETRY_BACKOFF_MS, maxMs: HOLDER_RETRY_BACKOFF_MAX_MS },
  ) {}

  /** Records a failure; a holder once dropped for bad data stays dropped with that reason. */
  record(holder: Holder, error: unknown, nowMs: number): void {
    const previous = this.byPeer.get(holder.id);
    if (previous?.isDropped) return;
    const { code, message: errorMessage } = asShoalError(error, 'PEER_UNREACHABLE');
    const isUnreachableWithReason = error instanceof PeerUnreachableError;
    const message = isUnreachableWithReason ? `Could not reach ${holder.name}: ${error.why}` : errorMessage;
    const failureCount = (previous?.failureCount ?? 0) + 1;
    const delayMs = Math.min(this.backoff.maxMs, this.backoff.initialMs * 2 ** (failureCount - 1));
    const isDropped = BAD_DATA_CODES.has(code);
    const retryAtMs = nowMs + delayMs;
    this.byPeer.set(holder.id, {
      peerId: holder.id,
      name: holder.name,
      code,
      message,
      isDropped,
      failureCount,
      retryAtMs,
      isUnreachableWithReason,
    });
  }

  /** The holder works again: its passing failure is forgotten (a drop for bad data is not). */
  forget(peerId: string): void {
    if (this.byPeer.get(peerId)?.isDropped === false) this.byPeer.delete(peerId);
  }

  has(peerId: string): boolean {
    return this.byPeer.has(peerId);
  }

  /** False while the holder is dropped or in its back-off. */
  canTry(peerId: string, nowMs: number): boolean {
    const entry = this.byPeer.get(peerId);
    return entry === undefined || (!entry.isDropped && nowMs >= entry.retryAtMs);
  }

  list(): HolderFailure[] {
    return [...this.byPeer.values()].map(({ peerId, name, code, message, isDropped }) => ({
      peerId,
      name,
      code,
      message,
      isDropped,
    }));
  }

  /** What to show while no holder can send the file; the download goes on by itself later. */
  waitingReason(fileName: string): ShoalError {
    const failures = this.list();
    if (failures.length === 0) {
      return errorWithOutlook('NO_HOLDER', `No peer holding '${fileName}' is online`, 'the download will resume when one appears', { fileName });
    }
    const reasons = [...this.byPeer.values()]
      .map((failure) => (failure.isUnreachableWithReason ? failure.message : `${failure.name} ${describe(failure)}`))
      .join('; ');
    return errorWithOutlook('NO_HOLDER', `No peer holding '${fileName}' can send it now (${reasons})`, 'the download will resume when one can', { fileName });
  }

  /** The error to fail with when every listed holder sent a manifest that does not match the
   * content id: the file as listed cannot be had. Undefined otherwise. */
  mismatchError(fileName: string, listed: readonly Holder[]): ShoalError | undefined {
    if (listed.length === 0) return undefined;
    const entries = listed.map((holder) => this.byPeer.get(holder.id));
    if (!entries.every((entry) => entry?.code === 'MANIFEST_MISMATCH')) return undefined;
    const names = listed.map((holder) => holder.name).join(', ');
    return new ShoalError(
      'MANIFEST_MISMATCH',
      `Could not download '${fileName}': every peer holding it sent a file description that does not match (${names})`,
    );
  }
}

function describe(failure: HolderFailure): string {
  switch (failure.code) {
    case 'CHUNK_CORRUPT':
      return 'sent corrupt data and was dropped';
    case 'MANIFEST_MISMATCH':
      return 'sent a file description that does not match and was dropped';
    case 'TIMEOUT':
      return 'stopped answering';
    case 'PEER_UNREACHABLE':
    case 'PEER_NOT_FOUND':
      return 'could not be reached';
    case 'FILE_NOT_FOUND':
      return 'no longer has the file';
    default:
      return 'failed';
  }
}

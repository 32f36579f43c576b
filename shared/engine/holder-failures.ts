/**
 * Why each holder of a file was given up on during one download, and the error a person reads
 * when no holder is left ("No peer holding 'report.pdf' is online").
 */
import { asShoalError, ShoalError, type ErrorCode } from '../protocol/errors';
import type { Holder } from '../protocol/tracker-messages';

export interface HolderFailure {
  peerId: string;
  name: string;
  code: ErrorCode;
  message: string;
}

/** Failures that are the holder's fault in a way that makes the whole file suspect, not just the peer. */
const BAD_DATA_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['CHUNK_CORRUPT', 'MANIFEST_MISMATCH']);

export class HolderFailures {
  private readonly byPeer = new Map<string, HolderFailure>();

  /** Keeps the first reason per holder: later ones are usually consequences of it. */
  record(holder: Holder, error: unknown): void {
    if (this.byPeer.has(holder.id)) return;
    const { code, message } = asShoalError(error, 'PEER_UNREACHABLE');
    this.byPeer.set(holder.id, { peerId: holder.id, name: holder.name, code, message });
  }

  has(peerId: string): boolean {
    return this.byPeer.has(peerId);
  }

  list(): HolderFailure[] {
    return [...this.byPeer.values()];
  }

  /** The error for "every holder was tried and none is left". */
  toError(fileName: string): ShoalError {
    const failures = this.list();
    if (failures.length === 0) return new ShoalError('NO_HOLDER', `No peer holding '${fileName}' is online`);
    const codes = new Set(failures.map((failure) => failure.code));
    const names = failures.map((failure) => failure.name).join(', ');
    const [onlyCode] = codes;
    if (codes.size === 1 && onlyCode !== undefined && BAD_DATA_CODES.has(onlyCode)) {
      const reason = `every peer holding it ${describe(onlyCode)} (${names})`;
      return new ShoalError(onlyCode, `Could not download '${fileName}': ${reason}`);
    }
    const reasons = failures.map((failure) => `${failure.name} ${describe(failure.code)}`).join('; ');
    return new ShoalError('NO_HOLDER', `Could not download '${fileName}': no peer holding it could send it (${reasons})`);
  }
}

function describe(code: ErrorCode): string {
  switch (code) {
    case 'CHUNK_CORRUPT':
      return 'sent corrupt data';
    case 'MANIFEST_MISMATCH':
      return 'sent a file description that does not match';
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

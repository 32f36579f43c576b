/** The tracker could not be reached at all, as opposed to a peer; the CLI exits with its own code for it. */
import { ShoalError } from '../../shared/protocol/errors';

export class TrackerUnreachableError extends ShoalError {
  constructor(message: string) {
    super('PEER_UNREACHABLE', message);
  }
}

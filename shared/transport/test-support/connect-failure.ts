/** The error a connect() attempt failed with, asserted to be the transport's "no path" error. */
import { PeerUnreachableError, type PeerChannel } from '../../engine/transport';

export async function failureOf(connecting: Promise<PeerChannel>): Promise<PeerUnreachableError> {
  const error = await connecting.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!(error instanceof PeerUnreachableError)) throw new Error(`Expected a PeerUnreachableError, got ${String(error)}`);
  return error;
}

/** The name a Node peer joins under when the person chose none. */
import { hostname, userInfo } from 'node:os';
import { NAME_MAX_CHARS } from '../../shared/protocol/limits';

/** "ana@laptop-1a2b" (user, host, start of the key fingerprint), within the tracker's name limit.
 * The fingerprint piece is there because the tracker keeps a name for the key that first used it:
 * user@host alone would be taken by the first data dir on this machine. */
export function defaultPeerName(fingerprint: string): string {
  let user = 'shoal';
  try {
    user = userInfo().username || user;
  } catch {
    // No user database entry (some containers): keep the generic name.
  }
  const host = hostname().split('.')[0] ?? 'node';
  const keyTag = fingerprint.replace(/\s+/g, '').slice(0, 4);
  return `${`${user}@${host}`.replace(/\s+/g, '-').slice(0, NAME_MAX_CHARS - keyTag.length - 1)}-${keyTag}`;
}

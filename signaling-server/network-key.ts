/** The operator's network key: one shared secret every joining peer and every REST caller must present. */
import { ShoalError } from '../shared/protocol';
import { secretsMatch } from './secret-compare';

/** The HTTP header REST callers put the key in. */
export const NETWORK_KEY_HEADER = 'x-shoal-network-key';

/** Throws NETWORK_KEY_INVALID unless the network is open (no key set) or `given` is the key. */
export function checkNetworkKey(expected: string | undefined, given: string | undefined): void {
  if (expected === undefined) return;
  if (given === undefined || given === '') throw new ShoalError('NETWORK_KEY_INVALID', 'This network needs a network key');
  if (!secretsMatch(expected, given)) throw new ShoalError('NETWORK_KEY_INVALID', 'The network key is wrong');
}

/**
 * The topology of the NAT specs: a public segment (198.18.0.0/24) with a server machine that runs
 * the tracker and, when asked, coturn; and two homes, each a host behind its own NAT router.
 */
import type { Lab } from './lab';
import { natHome, separateHomes, type NatHome } from './nat';

export const SERVER_IP = '198.18.0.2';
const BLACK_HOLE_IP = '198.18.0.1';

export interface TwoHomes {
  /** The public server's namespace (tracker, TURN/STUN). */
  server: string;
  a: NatHome;
  b: NatHome;
}

/**
 * With `isSeparated`, the homes' public addresses cannot exchange packets, so no direct path
 * exists even with STUN: only a relay can join them.
 */
export async function twoHomes(lab: Lab, { isSeparated }: { isSeparated: boolean }): Promise<TwoHomes> {
  // The internet's routers are one black hole at .1: what nobody routes (private addresses that
  // ICE candidates name) is dropped silently, as out there, not refused with "network unreachable",
  // which coturn and Chromium would otherwise get on their sends.
  const internet = await lab.switch('pub', `${BLACK_HOLE_IP}/24`);
  const server = await lab.namespace('srv');
  await lab.plug(server, internet, `${SERVER_IP}/24`);
  await lab.defaultRoute(server, BLACK_HOLE_IP);
  const a = await natHome(lab, 'a', 1, internet, '198.18.0.11/24', BLACK_HOLE_IP);
  const b = await natHome(lab, 'b', 2, internet, '198.18.0.12/24', BLACK_HOLE_IP);
  if (isSeparated) await separateHomes(lab, a, b);
  return { server, a, b };
}

/**
 * The topology of the shaping and outage specs: one switch (192.168.77.0/24) with the tracker on
 * a machine of its own and two peers, each on its own cable, so one peer's link can be shaped
 * or pulled without touching the other's.
 */
import type { Interface, Lab } from './lab';
import { startTrackerIn, type NamespaceTracker } from './tracker-in-namespace';

/** The switch's address: the hosts' default gateway, which leads nowhere. */
const GATEWAY_IP = '192.168.77.1';

export interface OneLan {
  tracker: NamespaceTracker;
  seeder: Interface;
  downloader: Interface;
}

export async function oneLan(lab: Lab): Promise<OneLan> {
  const lan = await lab.switch('lan', `${GATEWAY_IP}/24`);
  const server = await lab.namespace('trk');
  const serverNic = await lab.plug(server, lan, '192.168.77.2/24');
  const seeder = await lab.plug(await lab.namespace('a'), lan, '192.168.77.3/24');
  const downloader = await lab.plug(await lab.namespace('b'), lan, '192.168.77.4/24');
  for (const nic of [serverNic, seeder, downloader]) await lab.defaultRoute(nic.ns, GATEWAY_IP);
  const tracker = await startTrackerIn(lab, server, serverNic.ip);
  return { tracker, seeder, downloader };
}

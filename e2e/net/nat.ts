/**
 * NAT homes for the lab: a host behind a router namespace that masquerades it onto the public
 * segment (the lab's "internet", in 198.18.0.0/15, reserved for network tests by RFC 2544), like
 * a home router, and a way to keep two homes' public sides from reaching each other.
 */
import type { Interface, Lab } from './lab';

export interface NatHome {
  /** The namespace of the computer inside the home. */
  host: string;
  /** Its address inside the home, e.g. 10.77.1.2. */
  hostNic: Interface;
  router: string;
  /** The router's public side, the address the world sees the host as. */
  routerPublic: Interface;
}

/**
 * A home `role` with subnet 10.77.`homeIndex`.0/24: host .2, router .1, the router plugged into
 * `publicSwitch` at `publicCidr`. The host's default route is the router; the router's is
 * `publicGateway` when given (a switch's black-hole address), else it has none.
 */
export async function natHome(
  lab: Lab,
  role: string,
  homeIndex: number,
  publicSwitch: string,
  publicCidr: string,
  publicGateway?: string,
): Promise<NatHome> {
  const router = await lab.namespace(`${role}-nat`);
  const host = await lab.namespace(role);
  const [routerInside, hostNic] = await lab.wire(router, host, `10.77.${homeIndex}.1/24`, `10.77.${homeIndex}.2/24`);
  const routerPublic = await lab.plug(router, publicSwitch, publicCidr);
  // The router is the host's way to everything, as at home (and Chromium needs a default route
  // to offer candidates at all).
  await lab.defaultRoute(host, routerInside.ip);
  // Packets for addresses nobody routes (another home's private range) go to the black-hole
  // gateway and vanish, as on the internet, instead of bouncing back as "network unreachable".
  if (publicGateway !== undefined) await lab.defaultRoute(router, publicGateway);
  await lab.enableForwarding(router);
  const rules: string[][] = [
    ['-t', 'nat', '-A', 'POSTROUTING', '-o', routerPublic.iface, '-j', 'MASQUERADE'],
    // Like a home router: replies come in, unsolicited packets from outside do not.
    ['-A', 'FORWARD', '-i', routerPublic.iface, '-m', 'conntrack', '--ctstate', 'ESTABLISHED,RELATED', '-j', 'ACCEPT'],
    ['-A', 'FORWARD', '-i', routerPublic.iface, '-j', 'DROP'],
    // Nor to the router itself. Dropped here, before conntrack confirms it, an unsolicited packet
    // leaves no entry behind. Otherwise a peer's punch that arrives before this home's own packet
    // to that peer would own the mapping's tuple, the home's packet would leave on another port,
    // and hole punching would never meet (each retry refreshing the stale entry).
    ['-A', 'INPUT', '-i', routerPublic.iface, '-m', 'conntrack', '--ctstate', 'ESTABLISHED,RELATED', '-j', 'ACCEPT'],
    ['-A', 'INPUT', '-i', routerPublic.iface, '-j', 'DROP'],
  ];
  for (const rule of rules) await lab.exec(router, 'iptables', rule);
  return { host, hostNic, router, routerPublic };
}

/**
 * Makes the two homes' public addresses unable to exchange packets (as with two NATs that map
 * each destination to a new port, where hole punching fails), while both still reach every other
 * public address, such as the tracker and the TURN server.
 */
export async function separateHomes(lab: Lab, a: NatHome, b: NatHome): Promise<void> {
  for (const [home, other] of [
    [a, b],
    [b, a],
  ] as const) {
    const otherIp = other.routerPublic.ip;
    for (const rule of [
      ['-I', 'FORWARD', '-d', otherIp, '-j', 'DROP'],
      ['-I', 'FORWARD', '-s', otherIp, '-j', 'DROP'],
      ['-I', 'INPUT', '-s', otherIp, '-j', 'DROP'],
      ['-I', 'OUTPUT', '-d', otherIp, '-j', 'DROP'],
    ]) {
      await lab.exec(home.router, 'iptables', rule);
    }
  }
}

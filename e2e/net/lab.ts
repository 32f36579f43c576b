/**
 * A network lab built from real Linux network namespaces, for end-to-end tests and benchmarks
 * (needs root, iproute2 and iptables; no Playwright dependency). Everything it creates is named
 * `<prefix><run id>-<role>` and lives inside namespaces: links are veth pairs created straight
 * into their namespaces and a "switch" is a bridge in a namespace of its own, so nothing touches
 * the root namespace and no namespace gets a route out of the lab (default routes point at lab
 * namespaces that route nowhere further).
 *
 *   await removeLeftovers('shl-');              // what a crashed earlier run left behind
 *   const lab = new Lab('shl-');
 *   try {
 *     const lan = await lab.switch('lan', '192.168.77.1/24');  // namespace holding bridge br0 (at .1)
 *     const a = await lab.namespace('a');       // lo up, IPv6 off
 *     const nic = await lab.plug(a, lan, '192.168.77.2/24');  // { ns, iface, ip, cidr, far: { ns, iface } }
 *     const b = await lab.namespace('b');
 *     await lab.wire(a, b, '10.77.9.1/24', '10.77.9.2/24');  // a direct cable
 *     await lab.route(b, '198.18.0.0/15', '10.77.9.1');
 *     await lab.defaultRoute(a, '192.168.77.1');          // Chromium needs one; it leads nowhere
 *     await lab.exec(a, 'ip', ['route']);               // any command, inside the namespace
 *     const server = lab.spawn(a, 'node', ['server.js']); // stopped by cleanup()
 *     await lab.setLinkUp(nic.far.ns, nic.far.iface, false); // pull the cable at the switch
 *     const exe = await lab.chromiumWrapper(a);           // Playwright executablePath
 *   } finally {
 *     await lab.cleanup();
 *   }
 *
 * Companions:
 *   nat.ts       natHome(lab, 'a', 1, publicSwitch, '198.18.0.11/24', gatewayIp): a host behind a
 *                MASQUERADE router; separateHomes(lab, a, b): their public sides cannot meet.
 *   shaping.ts   const { method } = await availableShaping('shl-');   // 'netem', or 'link emulator'
 *                await shapeLink(lab, nic, { delayMs: 20, lossPercent: 0.5, rateMbit: 100 }, method);
 *                (both directions; the link emulator, link-emulator.ts, stands in where the kernel
 *                has no netem and needs the cable to end in a switch)
 *   reachability.ts  canConnect(ns, ip, port), tcpConnectMs(ns, ip, port)
 *   tracker-in-namespace.ts, coturn.ts   the tracker and a TURN/STUN server inside a namespace.
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { spawnInNamespace, type NamespaceProcess } from './namespace-process';
import { runCommand, type RunOptions } from './run-command';

/** The prefix of the Shoal tests' namespaces (benchmarks use their own). */
export const TEST_PREFIX = 'shl-';

export const CHROMIUM_BINARY = '/usr/bin/chromium';

/** The bridge inside every switch namespace. */
const BRIDGE = 'br0';

/** Linux refuses interface names longer than this. */
const MAX_IFACE_CHARS = 15;

export interface Interface {
  ns: string;
  iface: string;
  /** Address without the prefix length, e.g. 192.168.77.2. */
  ip: string;
  /** Address with it, e.g. 192.168.77.2/24. */
  cidr: string;
  /** The other end of the veth: the bridge port in the switch, or the peer's interface for a wire. */
  far: { ns: string; iface: string };
}

/** Runs a command inside a namespace. */
export function execIn(ns: string, command: string, args: string[], options?: RunOptions): Promise<string> {
  return runCommand('ip', ['netns', 'exec', ns, command, ...args], options);
}

/**
 * Sets a per-namespace kernel setting, e.g. `net/ipv4/ip_forward`. Written to /proc/sys from a
 * shell inside the namespace, since a fresh Debian machine may have no `sysctl` (procps).
 */
export function setSysctl(ns: string, key: string, value: string): Promise<string> {
  if (!/^[\w/.-]+$/.test(key) || !/^\w+$/.test(value)) throw new Error(`Not a sysctl setting: ${key}=${value}`);
  return execIn(ns, 'sh', ['-c', `echo ${value} > /proc/sys/${key}`]);
}

/** Namespaces whose names start with `prefix`. */
export async function namespacesWithPrefix(prefix: string): Promise<string[]> {
  const listing = await runCommand('ip', ['netns', 'list'], { mayFail: true });
  return listing
    .split('\n')
    .map((line) => line.trim().split(/\s+/)[0] ?? '')
    .filter((name) => name.startsWith(prefix));
}

/**
 * Kills what still runs in a namespace, then deletes it. Processes keep a namespace (and its
 * veths) alive after `ip netns del`, so they go first.
 */
export async function removeNamespace(ns: string): Promise<void> {
  const pids = (await runCommand('ip', ['netns', 'pids', ns], { mayFail: true })).split('\n').filter((pid) => /^\d+$/.test(pid));
  for (const pid of pids) {
    try {
      process.kill(Number(pid), 'SIGKILL');
    } catch {
      // Exited meanwhile.
    }
  }
  await runCommand('ip', ['netns', 'del', ns], { mayFail: true });
}

/** Deletes every namespace named with `prefix` (e.g. after a run that was killed before its cleanup). */
export async function removeLeftovers(prefix: string): Promise<void> {
  if (prefix.length < 3) throw new Error(`Refusing to remove namespaces by the short prefix '${prefix}'`);
  for (const ns of await namespacesWithPrefix(prefix)) await removeNamespace(ns);
}

export class Lab {
  readonly prefix: string;
  /** Short random id, so two labs with the same prefix never share a name. */
  readonly runId = randomBytes(2).toString('hex');
  private readonly namespaces: string[] = [];
  private readonly processes: NamespaceProcess[] = [];
  private readonly tempDirs: string[] = [];
  /** Next free interface number per namespace (eth0, eth1, … and p0, p1, … on switches). */
  private readonly ifaceCounts = new Map<string, number>();

  constructor(prefix: string = TEST_PREFIX) {
    this.prefix = prefix;
  }

  /** A new namespace with loopback up and IPv6 off (so candidates and routes are IPv4 only, as designed). */
  async namespace(role: string): Promise<string> {
    const ns = `${this.prefix}${this.runId}-${role}`;
    await runCommand('ip', ['netns', 'add', ns]);
    this.namespaces.push(ns);
    await execIn(ns, 'ip', ['link', 'set', 'lo', 'up']);
    await setSysctl(ns, 'net/ipv6/conf/all/disable_ipv6', '1');
    await setSysctl(ns, 'net/ipv6/conf/default/disable_ipv6', '1');
    return ns;
  }

  /**
   * A namespace holding one bridge; plug() attaches other namespaces to it. With `gatewayCidr`
   * the bridge itself takes that address, to serve as the segment's default gateway (see
   * defaultRoute): the switch forwards nothing and has no routes, so that gateway leads nowhere.
   */
  async switch(role: string, gatewayCidr?: string): Promise<string> {
    const ns = await this.namespace(role);
    // No multicast snooping: with no querier on the segment it could hold back mDNS announcements.
    await execIn(ns, 'ip', ['link', 'add', BRIDGE, 'type', 'bridge', 'mcast_snooping', '0']);
    if (gatewayCidr !== undefined) await execIn(ns, 'ip', ['addr', 'add', gatewayCidr, 'dev', BRIDGE]);
    await execIn(ns, 'ip', ['link', 'set', BRIDGE, 'up']);
    return ns;
  }

  /** Connects `ns` to the switch `sw` with a veth pair and gives its end `cidr`. */
  async plug(ns: string, sw: string, cidr: string): Promise<Interface> {
    const iface = this.nextIface(ns, 'eth');
    const port = this.nextIface(sw, 'p');
    await runCommand('ip', ['link', 'add', 'name', iface, 'netns', ns, 'type', 'veth', 'peer', 'name', port, 'netns', sw]);
    await execIn(sw, 'ip', ['link', 'set', port, 'master', BRIDGE]);
    await execIn(sw, 'ip', ['link', 'set', port, 'up']);
    await this.address(ns, iface, cidr);
    return { ns, iface, ip: ipOf(cidr), cidr, far: { ns: sw, iface: port } };
  }

  /** A direct veth cable between two namespaces; returns both ends. */
  async wire(a: string, b: string, cidrA: string, cidrB: string): Promise<[Interface, Interface]> {
    const ifaceA = this.nextIface(a, 'eth');
    const ifaceB = this.nextIface(b, 'eth');
    await runCommand('ip', ['link', 'add', 'name', ifaceA, 'netns', a, 'type', 'veth', 'peer', 'name', ifaceB, 'netns', b]);
    await this.address(a, ifaceA, cidrA);
    await this.address(b, ifaceB, cidrB);
    return [
      { ns: a, iface: ifaceA, ip: ipOf(cidrA), cidr: cidrA, far: { ns: b, iface: ifaceB } },
      { ns: b, iface: ifaceB, ip: ipOf(cidrB), cidr: cidrB, far: { ns: a, iface: ifaceA } },
    ];
  }

  /** A route to `destination` (a lab subnet) through `via`. */
  async route(ns: string, destination: string, via: string): Promise<void> {
    await execIn(ns, 'ip', ['route', 'replace', destination, 'via', via]);
  }

  /**
   * A default route through `via`, which must be a lab address whose namespace has no route out
   * (a NAT router of the lab, or a switch's gateway address): packets for the outside world die
   * there. Needed because Chromium gathers ICE host candidates only from the interface its
   * default route uses (probed by connecting a UDP socket); without one it offers no candidates at all.
   */
  async defaultRoute(ns: string, via: string): Promise<void> {
    await execIn(ns, 'ip', ['route', 'replace', 'default', 'via', via]);
  }

  /** Lets a namespace forward packets between its interfaces (routers). */
  async enableForwarding(ns: string): Promise<void> {
    await setSysctl(ns, 'net/ipv4/ip_forward', '1');
  }

  /** Takes an interface down or up, as pulling or plugging a cable (addresses stay). */
  async setLinkUp(ns: string, iface: string, isUp: boolean): Promise<void> {
    await execIn(ns, 'ip', ['link', 'set', iface, isUp ? 'up' : 'down']);
  }

  exec(ns: string, command: string, args: string[], options?: RunOptions): Promise<string> {
    return execIn(ns, command, args, options);
  }

  /** Starts a process inside `ns`; cleanup() stops it if the test has not. */
  spawn(ns: string, command: string, args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): NamespaceProcess {
    const started = spawnInNamespace(ns, command, args, options);
    this.processes.push(started);
    return started;
  }

  /** The tail of every spawned process's output, for a failed test's report. */
  describeProcesses(charsEach = 4_000): string {
    return this.processes.map((started) => `--- ${started.name}\n${started.output().slice(-charsEach)}`).join('\n');
  }

  /** A temp directory removed by cleanup(). */
  async tempDir(label: string): Promise<string> {
    const dir = await mkdtemp(path.join(tmpdir(), `${this.prefix}${this.runId}-${label}-`));
    this.tempDirs.push(dir);
    return dir;
  }

  /**
   * An executable that runs Chromium inside `ns`, for Playwright's `executablePath`: Playwright
   * talks to the browser over pipes, which cross namespaces, while the browser's sockets stay inside.
   */
  async chromiumWrapper(ns: string, binary: string = CHROMIUM_BINARY): Promise<string> {
    const dir = await this.tempDir('chromium');
    const wrapper = path.join(dir, 'chromium-in-namespace');
    await writeFile(wrapper, `#!/bin/sh\nexec ip netns exec '${ns}' '${binary}' "$@"\n`);
    await chmod(wrapper, 0o755);
    return wrapper;
  }

  /** Stops every process, deletes every namespace (and so every veth and bridge) and temp dir. */
  async cleanup(): Promise<void> {
    await Promise.all(this.processes.splice(0).map((started) => started.stop(3_000).catch(() => undefined)));
    for (const ns of this.namespaces.splice(0).reverse()) await removeNamespace(ns);
    await Promise.all(this.tempDirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
  }

  private async address(ns: string, iface: string, cidr: string): Promise<void> {
    await execIn(ns, 'ip', ['addr', 'add', cidr, 'dev', iface]);
    await execIn(ns, 'ip', ['link', 'set', iface, 'up']);
  }

  private nextIface(ns: string, stem: string): string {
    const count = this.ifaceCounts.get(`${ns}/${stem}`) ?? 0;
    this.ifaceCounts.set(`${ns}/${stem}`, count + 1);
    const name = `${stem}${count}`;
    if (name.length > MAX_IFACE_CHARS) throw new Error(`Interface name ${name} is longer than ${MAX_IFACE_CHARS} characters`);
    return name;
  }
}

/** 192.168.77.2/24 -> 192.168.77.2 */
export function ipOf(cidr: string): string {
  return cidr.split('/')[0] ?? cidr;
}

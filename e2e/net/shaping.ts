/**
 * Link shaping for the lab: one-way delay, random loss and a rate limit with `tc netem`, applied
 * to both ends of a veth so each direction gets the same treatment; on kernels without netem, the
 * same shape from the user-space link emulator (link-emulator.ts) spliced in at the switch.
 */
import { existsSync } from 'node:fs';
import { execIn, type Interface, Lab } from './lab';
import { linkEmulatorBinary, startLinkEmulator } from './link-emulator';

export interface LinkShape {
  /** One-way delay; a round trip over the link costs twice this. */
  delayMs: number;
  /** Random loss per direction, in percent. */
  lossPercent: number;
  rateMbit: number;
}

/**
 * Enough queue for the link's bandwidth-delay product many times over: netem's default of 1000
 * packets would drop on its own at high rates and long delays, and those drops are not the loss asked for.
 */
export function queuePackets(shape: LinkShape): number {
  const bytesInFlight = ((shape.rateMbit * 1_000_000) / 8) * (shape.delayMs / 1000);
  return Math.max(1000, Math.ceil((bytesInFlight / 1500) * 4));
}

/** Shapes what leaves `iface` in `ns`. netem's own `rate` paces packets, so no second qdisc is needed. */
export async function shapeEgress(ns: string, iface: string, shape: LinkShape): Promise<void> {
  await execIn(ns, 'tc', [
    'qdisc', 'replace', 'dev', iface, 'root', 'netem',
    'delay', `${shape.delayMs}ms`,
    'loss', `${shape.lossPercent}%`,
    'rate', `${shape.rateMbit}mbit`,
    'limit', String(queuePackets(shape)),
  ]);
}

export type ShapingMethod = 'netem' | 'link emulator';

/**
 * Shapes both directions of a link: with netem on the interface and the far end of its veth, or
 * with the user-space link emulator spliced in at the switch (see shapeAtSwitch).
 */
export async function shapeLink(lab: Lab, nic: Interface, shape: LinkShape, method: ShapingMethod = 'netem'): Promise<void> {
  if (method === 'link emulator') return shapeAtSwitch(lab, nic, shape);
  await shapeEgress(nic.ns, nic.iface, shape);
  await shapeEgress(nic.far.ns, nic.far.iface, shape);
}

/** The bridge inside every switch namespace (see Lab.switch). */
const MAIN_BRIDGE = 'br0';

let splices = 0;

/**
 * Shapes a cable that ends in a switch without netem: the switch port moves to a bridge of its
 * own, joined to the main bridge through the link emulator's two TAP devices, both in the switch.
 */
async function shapeAtSwitch(lab: Lab, nic: Interface, shape: LinkShape): Promise<void> {
  const sw = nic.far.ns;
  const port = nic.far.iface;
  const isSwitchPort = (await lab.exec(sw, 'ip', ['-o', 'link', 'show', 'dev', port])).includes(`master ${MAIN_BRIDGE}`);
  if (!isSwitchPort) throw new Error(`The link emulator shapes cables plugged into a switch; ${nic.ns}/${nic.iface} is not`);
  const id = splices++;
  const [nearTap, farTap, cableBridge] = [`le${id}near`, `le${id}far`, `le${id}br`];
  await startLinkEmulator(lab, sw, { a: { ns: sw, tap: nearTap }, b: { ns: sw, tap: farTap } }, shape, queuePackets(shape));
  // port -> cableBridge -> nearTap ~ emulated link ~ farTap -> br0
  await lab.exec(sw, 'ip', ['link', 'add', cableBridge, 'type', 'bridge', 'mcast_snooping', '0']);
  await lab.exec(sw, 'ip', ['link', 'set', port, 'nomaster']);
  await lab.exec(sw, 'ip', ['link', 'set', port, 'master', cableBridge]);
  await lab.exec(sw, 'ip', ['link', 'set', nearTap, 'master', cableBridge]);
  await lab.exec(sw, 'ip', ['link', 'set', farTap, 'master', MAIN_BRIDGE]);
  for (const device of [cableBridge, nearTap, farTap]) await lab.exec(sw, 'ip', ['link', 'set', device, 'up']);
}

/** Whether this kernel has netem (CONFIG_NET_SCH_NETEM), probed in a throwaway namespace of `prefix`. */
async function hasNetem(prefix: string): Promise<boolean> {
  const lab = new Lab(prefix);
  try {
    const a = await lab.namespace('probe-a');
    const b = await lab.namespace('probe-b');
    const [nic] = await lab.wire(a, b, '10.77.250.1/30', '10.77.250.2/30');
    await shapeEgress(nic.ns, nic.iface, { delayMs: 1, lossPercent: 0, rateMbit: 1 });
    return true;
  } catch {
    return false;
  } finally {
    await lab.cleanup();
  }
}

/**
 * How links can be shaped here: netem where the kernel has it (some minimal VM kernels leave it
 * out); else the link emulator, which needs TAP devices and a C compiler to build it. `missing`
 * says why neither works.
 */
export async function availableShaping(prefix: string): Promise<{ method?: ShapingMethod; missing?: string }> {
  if (await hasNetem(prefix)) return { method: 'netem' };
  const noNetem = 'no tc netem in this kernel (CONFIG_NET_SCH_NETEM)';
  if (!existsSync('/dev/net/tun')) return { missing: `${noNetem} and no /dev/net/tun for the link emulator` };
  try {
    await linkEmulatorBinary();
  } catch (error) {
    return { missing: `${noNetem}, and ${error instanceof Error ? error.message : String(error)}` };
  }
  return { method: 'link emulator' };
}

/**
 * Link shaping for the lab: one-way delay, random loss and a rate limit with `tc netem`, applied
 * to both ends of a veth so each direction gets the same treatment; on kernels without netem, the
 * same shape from a user-space delay line (delay-line.ts).
 */
import { existsSync } from 'node:fs';
import { shapeWithDelayLine } from './delay-line';
import { execIn, type Interface, Lab } from './lab';
import { runCommand } from './run-command';

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

export type ShapingMethod = 'netem' | 'delay line';

/**
 * Shapes both directions of a link: with netem on the interface and the far end of its veth, or
 * with the user-space delay line (see delay-line.ts) spliced in at the switch.
 */
export async function shapeLink(lab: Lab, nic: Interface, shape: LinkShape, method: ShapingMethod = 'netem'): Promise<void> {
  if (method === 'delay line') return shapeWithDelayLine(lab, nic, shape, queuePackets(shape));
  await shapeEgress(nic.ns, nic.iface, shape);
  await shapeEgress(nic.far.ns, nic.far.iface, shape);
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
 * How links can be shaped here: netem where the kernel has it; else the delay line, which
 * needs python3 and TAP devices (some minimal VM kernels leave netem out). `missing` says why
 * neither works.
 */
export async function availableShaping(prefix: string): Promise<{ method?: ShapingMethod; missing?: string }> {
  if (await hasNetem(prefix)) return { method: 'netem' };
  if (!existsSync('/dev/net/tun')) return { missing: 'no tc netem in this kernel (CONFIG_NET_SCH_NETEM) and no /dev/net/tun for the delay line' };
  const hasPython = await runCommand('python3', ['--version'], { mayFail: true });
  if (hasPython === '') return { missing: 'no tc netem in this kernel (CONFIG_NET_SCH_NETEM) and no python3 for the delay line' };
  return { method: 'delay line' };
}

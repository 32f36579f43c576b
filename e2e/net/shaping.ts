/**
 * Link shaping for the lab: one-way delay, random loss and a rate limit with `tc netem`, applied
 * to both ends of a veth so each direction gets the same treatment.
 */
import { execIn, type Interface, Lab } from './lab';

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
function queuePackets(shape: LinkShape): number {
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

/** Shapes both directions of a link: the interface and the far end of its veth. */
export async function shapeLink(nic: Interface, shape: LinkShape): Promise<void> {
  await shapeEgress(nic.ns, nic.iface, shape);
  await shapeEgress(nic.far.ns, nic.far.iface, shape);
}

/**
 * Whether this kernel has netem (CONFIG_NET_SCH_NETEM): some minimal VM kernels leave it out, and
 * then a shaped-link test cannot run. Probed in a throwaway namespace of `prefix`.
 */
export async function netemMissingReason(prefix: string): Promise<string | undefined> {
  const lab = new Lab(prefix);
  try {
    const a = await lab.namespace('probe-a');
    const b = await lab.namespace('probe-b');
    const [nic] = await lab.wire(a, b, '10.77.250.1/30', '10.77.250.2/30');
    await shapeEgress(nic.ns, nic.iface, { delayMs: 1, lossPercent: 0, rateMbit: 1 });
    return undefined;
  } catch (error) {
    return `tc netem is not available in this kernel (CONFIG_NET_SCH_NETEM): ${error instanceof Error ? error.message : String(error)}`;
  } finally {
    await lab.cleanup();
  }
}

/**
 * Shapes a cable that ends in a switch without tc netem: the switch port is moved to a bridge of
 * its own, joined to the main bridge through delay-line.py (two TAP devices and a process that
 * carries frames between them with netem's delay, loss and rate). For kernels built without netem.
 */
import { fileURLToPath } from 'node:url';
import type { Interface, Lab } from './lab';
import type { LinkShape } from './shaping';

export const DELAY_LINE_SCRIPT = fileURLToPath(new URL('./delay-line.py', import.meta.url));

/** The bridge inside every switch namespace (see Lab.switch). */
const MAIN_BRIDGE = 'br0';

let splices = 0;

export async function shapeWithDelayLine(lab: Lab, nic: Interface, shape: LinkShape, queuePackets: number): Promise<void> {
  const sw = nic.far.ns;
  const port = nic.far.iface;
  const isSwitchPort = (await lab.exec(sw, 'ip', ['-o', 'link', 'show', 'dev', port])).includes(`master ${MAIN_BRIDGE}`);
  if (!isSwitchPort) throw new Error(`The user-space delay line shapes cables plugged into a switch; ${nic.ns}/${nic.iface} is not`);
  const id = splices++;
  const [nearTap, farTap, cableBridge] = [`dl${id}near`, `dl${id}far`, `dl${id}br`];
  const line = lab.spawn(sw, 'python3', [
    DELAY_LINE_SCRIPT,
    nearTap,
    farTap,
    String(shape.delayMs),
    String(shape.lossPercent),
    String(shape.rateMbit),
    String(queuePackets),
  ]);
  await line.waitForOutput(/^ready$/m, 10_000);
  // port -> cableBridge -> nearTap ~ delay line ~ farTap -> br0
  await lab.exec(sw, 'ip', ['link', 'add', cableBridge, 'type', 'bridge', 'mcast_snooping', '0']);
  await lab.exec(sw, 'ip', ['link', 'set', port, 'nomaster']);
  await lab.exec(sw, 'ip', ['link', 'set', port, 'master', cableBridge]);
  await lab.exec(sw, 'ip', ['link', 'set', nearTap, 'master', cableBridge]);
  await lab.exec(sw, 'ip', ['link', 'set', farTap, 'master', MAIN_BRIDGE]);
  for (const device of [cableBridge, nearTap, farTap]) await lab.exec(sw, 'ip', ['link', 'set', device, 'up']);
}

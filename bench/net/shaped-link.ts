/**
 * Two lab namespaces joined by one shaped link (delay, loss, rate), for `npm run bench:net`. The
 * kernel here has no tc netem, so the link is the lab's user-space link emulator
 * (e2e/net/link-emulator.ts): a TAP device in each namespace and a small process carrying frames
 * between them as netem would. Each namespace gets a default route to the other end, since
 * Chromium offers no ICE candidates without one; neither forwards, so nothing leaves the lab.
 */
import { Lab, removeLeftovers } from '../../e2e/net/lab';
import { startLinkEmulator } from '../../e2e/net/link-emulator';
import { queuePackets, type LinkShape } from '../../e2e/net/shaping';

/** Every namespace and interface of the benchmarks starts with this (the e2e tests use shl-). */
export const BENCH_PREFIX = 'shb-';

export interface ShapedLink {
  lab: Lab;
  /** The two namespaces and their addresses on the link. */
  a: { ns: string; ip: string };
  b: { ns: string; ip: string };
  /** Stops the link and returns its counters (frames passed, lost at random, dropped by a full queue). */
  stop(): Promise<string>;
}

const IFACE = 'shb-link';
const SUBNET = '10.231.0';

/** Builds the lab; on failure everything made so far is removed before the error is thrown. */
export async function createShapedLink(shape: LinkShape, seed = 1): Promise<ShapedLink> {
  await removeLeftovers(BENCH_PREFIX); // what a killed earlier run left behind
  const lab = new Lab(BENCH_PREFIX);
  try {
    const a = { ns: await lab.namespace('a'), ip: `${SUBNET}.1` };
    const b = { ns: await lab.namespace('b'), ip: `${SUBNET}.2` };
    const ends = { a: { ns: a.ns, tap: IFACE }, b: { ns: b.ns, tap: IFACE } };
    const emulator = await startLinkEmulator(lab, a.ns, ends, shape, queuePackets(shape), seed);
    for (const [end, other] of [[a, b], [b, a]] as const) {
      await lab.exec(end.ns, 'ip', ['addr', 'add', `${end.ip}/24`, 'dev', IFACE]);
      await lab.exec(end.ns, 'ip', ['link', 'set', IFACE, 'up']);
      await lab.defaultRoute(end.ns, other.ip);
    }
    return {
      lab,
      a,
      b,
      async stop() {
        await emulator.stop(2_000);
        return emulator.output().replace(/^ready\n/, '').trim();
      },
    };
  } catch (error) {
    await lab.cleanup();
    throw error;
  }
}

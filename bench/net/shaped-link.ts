/**
 * Two lab namespaces joined by one shaped link (delay, loss, rate), for `npm run bench:net`. The
 * kernel here has no tc netem, so the link is link-emulator.c: a TAP device in each namespace and a
 * small process carrying frames between them as netem would. It is built with the system's C
 * compiler into the lab's temp dir. Each namespace gets a default route to the other end, since
 * Chromium offers no ICE candidates without one; neither forwards, so nothing leaves the lab.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { promisify } from 'node:util';
import { Lab, removeLeftovers } from '../../e2e/net/lab';
import type { NamespaceProcess } from '../../e2e/net/namespace-process';

/** Every namespace and interface of the benchmarks starts with this (the e2e tests use shl-). */
export const BENCH_PREFIX = 'shb-';

export interface LinkShape {
  /** One way; a round trip costs twice this. */
  delayMs: number;
  /** Random loss per direction, in percent. */
  lossPercent: number;
  rateMbit: number;
}

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
const sourcePath = path.join(path.dirname(fileURLToPath(import.meta.url)), 'link-emulator.c');

/** Queue of the rate limiter, as e2e/net/shaping.ts gives netem: four one-way bandwidth-delay products, at least 1000 packets. */
export function queuePackets(shape: LinkShape): number {
  const bytesInFlight = ((shape.rateMbit * 1_000_000) / 8) * (shape.delayMs / 1000);
  return Math.max(1000, Math.ceil((bytesInFlight / 1500) * 4));
}

/** Builds the lab; on failure everything made so far is removed before the error is thrown. */
export async function createShapedLink(shape: LinkShape, seed = 1): Promise<ShapedLink> {
  await removeLeftovers(BENCH_PREFIX); // what a killed earlier run left behind
  const lab = new Lab(BENCH_PREFIX);
  try {
    const binary = path.join(await lab.tempDir('emulator'), 'link-emulator');
    await promisify(execFile)('cc', ['-O2', '-o', binary, sourcePath]).catch((error: unknown) => {
      throw new Error(`bench:net needs a C compiler (cc) for its link emulator: ${error instanceof Error ? error.message : String(error)}`);
    });
    const a = { ns: await lab.namespace('a'), ip: `${SUBNET}.1` };
    const b = { ns: await lab.namespace('b'), ip: `${SUBNET}.2` };
    const args = [a.ns, b.ns, IFACE, String(shape.delayMs), String(shape.lossPercent), String(shape.rateMbit), String(queuePackets(shape)), String(seed)];
    const emulator: NamespaceProcess = lab.spawn(a.ns, binary, args);
    await emulator.waitForOutput(/^ready$/m, 10_000);
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

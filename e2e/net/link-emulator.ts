/**
 * Runs link-emulator.c, the user-space stand-in for tc netem (two TAP devices and a process
 * carrying frames between them with delay, loss and a rate limit), for the lab's shaped links and
 * `npm run bench:net`. The program is compiled with the system's C compiler once per process and
 * kept in os.tmpdir() under a hash of its source, so later runs reuse it and an edit rebuilds it.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { lstat, mkdir, readFile, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Lab } from './lab';
import type { NamespaceProcess } from './namespace-process';
import type { LinkShape } from './shaping';

const SOURCE_PATH = fileURLToPath(new URL('./link-emulator.c', import.meta.url));

/** One end of the emulated link: a TAP device named `tap` inside `ns`. */
export interface LinkEnd {
  ns: string;
  tap: string;
}

let built: Promise<string> | undefined;

/** The compiled emulator's path; fails with the compiler's message if it cannot be built. */
export function linkEmulatorBinary(): Promise<string> {
  // A failed build is not remembered: the next call tries again.
  built ??= build().catch((error: unknown) => {
    built = undefined;
    throw error;
  });
  return built;
}

async function build(): Promise<string> {
  const source = await readFile(SOURCE_PATH);
  const hash = createHash('sha256').update(source).digest('hex').slice(0, 16);
  const dir = await privateCacheDir();
  const binary = path.join(dir, `link-emulator-${hash}`);
  if (existsSync(binary)) return binary;
  // Built under a name of its own and renamed, so two processes building at once never run half a file.
  const partial = `${binary}.${process.pid}.partial`;
  try {
    await promisify(execFile)('cc', ['-O2', '-o', partial, SOURCE_PATH]);
    await rename(partial, binary);
  } catch (error) {
    await rm(partial, { force: true });
    const why = error instanceof Error ? error.message : String(error);
    throw new Error(`The link emulator needs a C compiler (cc) to build ${SOURCE_PATH}: ${why}`);
  }
  return binary;
}

/**
 * A directory in os.tmpdir() only this user can write: the tests run its binary as root, so one
 * planted by another user must not be picked up.
 */
async function privateCacheDir(): Promise<string> {
  const uid = process.getuid?.() ?? 0;
  const dir = path.join(tmpdir(), `shoal-link-emulator-${uid}`);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const stat = await lstat(dir);
  if (!stat.isDirectory() || stat.uid !== uid || (stat.mode & 0o022) !== 0) {
    throw new Error(`${dir} is not a directory that only uid ${uid} can write; remove it and run again`);
  }
  return dir;
}

/**
 * Starts the emulator in `ns` (the lab stops it at cleanup; it also ends with this process) and
 * resolves once both TAP devices exist, still down and unaddressed. Stopping it (SIGTERM) makes
 * it print its counters: frames passed, lost at random, dropped by a full queue, per direction.
 */
export async function startLinkEmulator(
  lab: Lab,
  ns: string,
  ends: { a: LinkEnd; b: LinkEnd },
  shape: LinkShape,
  limitPackets: number,
  seed = 1,
): Promise<NamespaceProcess> {
  const binary = await linkEmulatorBinary();
  const args = [ends.a.ns, ends.a.tap, ends.b.ns, ends.b.tap, shape.delayMs, shape.lossPercent, shape.rateMbit, limitPackets, seed].map(String);
  const emulator = lab.spawn(ns, binary, args);
  await emulator.waitForOutput(/^ready$/m, 10_000);
  return emulator;
}

/**
 * Waits for the machine to go quiet before a figure: after a big transfer the browsers go on
 * cleaning up IndexedDB for seconds, and that CPU would be taken from whatever runs next.
 */
import { readFile } from 'node:fs/promises';

/** Busy below this share of the machine counts as quiet (idle browsers and the tracker tick along). */
const QUIET_SHARE = 0.1;
const SAMPLE_MS = 500;

async function busyAndTotalTicks(): Promise<{ busy: number; total: number }> {
  const [line] = (await readFile('/proc/stat', 'utf8')).split('\n');
  const ticks = (line ?? '').trim().split(/\s+/).slice(1).map(Number);
  const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0); // idle + iowait
  const total = ticks.reduce((sum, value) => sum + value, 0);
  return { busy: total - idle, total };
}

/** Resolves once a SAMPLE_MS window is quiet, or after `maxMs` whatever the load (Linux; elsewhere at once). */
export async function waitForQuiet(maxMs = 15_000): Promise<void> {
  const deadline = performance.now() + maxMs;
  let before = await busyAndTotalTicks().catch(() => undefined);
  while (before !== undefined && performance.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, SAMPLE_MS));
    const after = await busyAndTotalTicks();
    const share = (after.busy - before.busy) / Math.max(1, after.total - before.total);
    if (share < QUIET_SHARE) return;
    before = after;
  }
}

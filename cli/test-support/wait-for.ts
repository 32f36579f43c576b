/**
 * Polls a condition until it holds or a deadline passes. Probes often ask the tracker (a search),
 * so they run at most ~7 times a second: below the tracker's per-connection search budget (10 a second).
 */
import { waitFor as waitForCondition } from '../../shared/test-support/wait-for';

const POLL_INTERVAL_MS = 150;

export function waitFor<T>(
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  description: string,
  timeoutMs = 10_000,
): Promise<T> {
  return waitForCondition(probe, description, { timeoutMs, intervalMs: POLL_INTERVAL_MS });
}

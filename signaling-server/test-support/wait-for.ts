/** Polls a condition until it holds or a deadline passes (see shared/test-support/wait-for.ts). */
import { waitFor as waitForCondition } from '../../shared/test-support/wait-for';

export function waitFor<T>(
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  description: string,
  timeoutMs = 5_000,
): Promise<T> {
  return waitForCondition(probe, description, { timeoutMs });
}

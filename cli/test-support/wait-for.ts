/**
 * Polls a condition until it holds or a deadline passes: tests wait for outcomes, never for time.
 * Probes often ask the tracker (a search), so they run at most ~7 times a second: below the
 * tracker's per-connection search budget (10 a second).
 */
const POLL_INTERVAL_MS = 150;

export async function waitFor<T>(
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  description: string,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${description}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
  }
}

/** The browser fixtures for specs that also run `shoal` processes beside the browsers. */
import { startTracker, test as browserTest } from './fixtures';

/** The default heartbeat: a CLI process loading on a busy machine must not look dead. */
export const test = browserTest.extend({
  tracker: async ({}, use) => {
    const tracker = await startTracker({ pingIntervalMs: 5_000, pingTimeoutMs: 5_000 });
    await use(tracker);
    await tracker.close();
  },
});

import { playwright } from '@vitest/browser-playwright';
import { defineConfig } from 'vitest/config';
import { CHROMIUM_ARGS, findChromium } from './e2e/chromium-path.ts';

/** Suites that need a real browser (IndexedDB, the browser's WebRTC, WebCodecs) end in `.browser.test.ts`. */
const BROWSER_TESTS = ['shared/**/*.browser.test.ts', 'client/**/*.browser.test.ts', 'e2e/support/**/*.browser.test.ts'];

/** Tracker integration suites that also run with the tracker's state in Redis. */
const TRACKER_TESTS_ON_REDIS = [
  'signaling-server/peer-registration.test.ts',
  'signaling-server/file-index-events.test.ts',
  'signaling-server/dead-peer.test.ts',
  'signaling-server/signal-relay.test.ts',
  'signaling-server/admin-api.test.ts',
  'signaling-server/rest-api.test.ts',
  'signaling-server/metrics.test.ts',
];

export default defineConfig({
  test: {
    // Two cores: a few workers keep the socket-server tests from starving each other.
    maxWorkers: 2,
    testTimeout: 20_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'node',
          include: ['shared/**/*.test.ts', 'signaling-server/**/*.test.ts', 'client/**/*.test.ts', 'cli/**/*.test.ts', 'bench/**/*.test.ts'],
          exclude: BROWSER_TESTS,
        },
      },
      {
        extends: true,
        test: {
          // The tracker's integration tests again, on the Redis stores (a real redis-server per file;
          // signaling-server/test-support/redis-backend.ts). A subset, so the suite does not take twice as long.
          name: 'tracker-on-redis',
          include: TRACKER_TESTS_ON_REDIS,
          env: { SHOAL_TEST_STORE: 'redis' },
        },
      },
      {
        extends: true,
        // Bundled before the first suite loads; found mid-run, Vite would reload the page under the tests.
        optimizeDeps: { include: ['simple-peer/simplepeer.min.js'] },
        test: {
          name: 'chromium',
          include: BROWSER_TESTS,
          globalSetup: ['client/test-support/tracker-for-browser-tests.ts'],
          browser: {
            enabled: true,
            headless: true,
            // The same Chromium and flags as the e2e specs (Playwright cannot download browsers everywhere).
            provider: playwright({ launchOptions: { executablePath: findChromium(), args: CHROMIUM_ARGS } }),
            instances: [{ browser: 'chromium' }],
            // These suites draw nothing: a screenshot of a failure would be a blank page in the tree.
            screenshotFailures: false,
          },
        },
      },
    ],
  },
});

/**
 * One tracker in a process of its own, for tests that kill it for real (kill -9): the same
 * createTracker as `npm start`, on 127.0.0.1 and the PORT given (0: a free one), on REDIS_URL, with
 * the default heartbeats. It serves the built web app (dist/) only with SERVE_WEB_APP=1 (the
 * end-to-end specs, which build it first); it never builds. Prints one JSON line `{url, nodeId}`
 * once it listens; SIGTERM closes it cleanly, and it exits when its stdin closes (the test is gone).
 */
import { createTracker } from '../../app';

const redisUrl = process.env.REDIS_URL;
if (redisUrl === undefined) {
  console.error('REDIS_URL is required');
  process.exit(1);
}
const tracker = await createTracker({
  host: '127.0.0.1',
  port: Number(process.env.PORT ?? 0),
  // undefined: the default dist/ of `npm run build`.
  staticDir: process.env.SERVE_WEB_APP === '1' ? undefined : null,
  redisUrl,
  log: { info: () => undefined, error: (message, error) => console.error(message, error) },
});
process.once('SIGTERM', () => {
  tracker.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
});
// The test holds our stdin open; when it ends (the test's process is gone, however it ended), so do we.
process.stdin.once('end', () => process.exit(0));
process.stdin.resume();
console.log(JSON.stringify({ url: tracker.url, nodeId: tracker.nodeId }));

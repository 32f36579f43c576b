/**
 * A real tracker on 127.0.0.1, any free port, for CLI and API tests. It keeps the default
 * heartbeat: CLI children on a busy two-core machine can stall for a second while loading, and
 * a shortened heartbeat would drop them as dead. Peers that leave disconnect explicitly anyway.
 */
import { createTracker, type RunningTracker } from '../../signaling-server/app';

export function startTestTracker(): Promise<RunningTracker> {
  return createTracker({ host: '127.0.0.1', port: 0, staticDir: null });
}

/**
 * Feeds the tracker metrics from the outside of the socket handlers: the request router tells it
 * every answer it sends, so the answer a peer gets (joined, found, relayed, rate limited) and how
 * long it took are recorded without the handlers knowing about metrics.
 */
import type { TrackerMetrics } from './metrics';
import type { RequestRouter } from './socket-requests';
import type { TrackerServer, TrackerSocket } from './socket-types';

function isSuccess(response: unknown): boolean {
  return typeof response === 'object' && response !== null && (response as { ok?: unknown }).ok === true;
}

function errorCodeOf(response: unknown): unknown {
  if (typeof response !== 'object' || response === null) return undefined;
  const error = (response as { error?: unknown }).error;
  return typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
}

export function observeSocketRequests(io: TrackerServer, router: RequestRouter, metrics: TrackerMetrics): void {
  // Connections whose join succeeded: their disconnect counts as a leave.
  const joined = new WeakSet<TrackerSocket>();

  router.observeAnswers((socket, event, response, durationMs) => {
    if (isSuccess(response)) {
      if (event === 'join') {
        joined.add(socket);
        metrics.joined();
      } else if (event === 'search') metrics.searched(durationMs);
      else if (event === 'signal') metrics.signalRelayed(durationMs);
    } else if (errorCodeOf(response) === 'RATE_LIMITED') {
      metrics.rateLimited(event);
    }
  });

  // One listener function for every socket; Node's EventEmitter passes the socket as `this`.
  function countLeave(this: TrackerSocket): void {
    if (joined.delete(this)) metrics.left();
  }
  io.on('connection', (socket) => {
    socket.on('disconnect', countLeave);
  });
}

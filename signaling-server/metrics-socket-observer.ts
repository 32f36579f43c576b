/**
 * Feeds the tracker metrics from the outside of the socket handlers: a per-socket middleware
 * wraps each request's acknowledgement, so the answer a peer gets (joined, found, relayed, rate
 * limited) and how long it took are recorded without the handlers knowing about metrics.
 */
import { performance } from 'node:perf_hooks';
import type { TrackerMetrics } from './metrics';
import type { TrackerServer } from './socket-types';

type Acknowledge = (response: unknown) => void;

function isSuccess(response: unknown): boolean {
  return typeof response === 'object' && response !== null && (response as { ok?: unknown }).ok === true;
}

function errorCodeOf(response: unknown): unknown {
  if (typeof response !== 'object' || response === null) return undefined;
  const error = (response as { error?: unknown }).error;
  return typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
}

export function observeSocketRequests(io: TrackerServer, metrics: TrackerMetrics): void {
  io.on('connection', (socket) => {
    let isJoined = false;

    function record(event: string, response: unknown, durationMs: number): void {
      if (isSuccess(response)) {
        if (event === 'join') {
          isJoined = true;
          metrics.joined();
        } else if (event === 'search') metrics.searched(durationMs);
        else if (event === 'signal') metrics.signalRelayed(durationMs);
      } else if (errorCodeOf(response) === 'RATE_LIMITED') {
        metrics.rateLimited(event);
      }
    }

    socket.use((packet, next) => {
      const event = packet[0];
      const arrivedAtMs = performance.now();
      const last: unknown = packet.length > 1 ? packet[packet.length - 1] : undefined;
      const acknowledge = typeof last === 'function' ? (last as Acknowledge) : undefined;
      const observed: Acknowledge = (response) => {
        record(event, response, performance.now() - arrivedAtMs);
        acknowledge?.(response);
      };
      // The handlers answer through the last argument when it is a function (socket-requests.ts),
      // so a request sent without an ack gets a silent one: it is still counted, nothing is sent.
      if (acknowledge === undefined) packet.push(observed);
      else packet[packet.length - 1] = observed;
      next();
    });

    socket.on('disconnect', () => {
      if (isJoined) metrics.left();
    });
  });
}

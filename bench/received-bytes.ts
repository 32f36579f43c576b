/**
 * Bytes that arrived at a bench page over WebRTC, from its data channels' own counters
 * (getStats' bytesReceived), for steady windows that count bytes received rather than chunks
 * verified. An init script notes each RTCPeerConnection the page makes (a Proxy whose construct
 * only records the instance, so the app's connections are the browser's own) and exposes a snapshot.
 */
import type { ReceivedSnapshot } from './steady-window';

export interface ReceivedBytesWindow {
  benchReceivedBytes?: () => Promise<ReceivedSnapshot>;
}

/** Runs in the page before its scripts (BrowserContext.addInitScript): self-contained. */
export function trackPeerConnections(): void {
  const Native = window.RTCPeerConnection;
  const open = new Map<string, RTCPeerConnection>();
  let nextId = 0;
  window.RTCPeerConnection = new Proxy(Native, {
    construct(target, args: [RTCConfiguration?], newTarget) {
      const connection = Reflect.construct(target, args, newTarget) as RTCPeerConnection;
      open.set(String(nextId++), connection);
      return connection;
    },
  });
  (window as ReceivedBytesWindow).benchReceivedBytes = async () => {
    const askedAtMs = performance.timeOrigin + performance.now();
    const byConnection: Record<string, number> = {};
    const readAtMs: number[] = [];
    await Promise.all(
      [...open].map(async ([id, connection]) => {
        if (connection.connectionState === 'closed') {
          open.delete(id);
          return;
        }
        try {
          let bytes = 0;
          (await connection.getStats()).forEach((report: { type: string; timestamp: number; bytesReceived?: number }) => {
            if (report.type !== 'data-channel') return;
            bytes += report.bytesReceived ?? 0;
            readAtMs.push(report.timestamp);
          });
          byConnection[id] = bytes;
        } catch {
          open.delete(id); // closed while asked
        }
      }),
    );
    // When the counters were read (the stats' own epoch-ms timestamps): on a busy page the answer
    // can reach this code hundreds of ms later, which would shorten a window and inflate its rate.
    const atMs = readAtMs.length === 0 ? askedAtMs : readAtMs.reduce((sum, at) => sum + at, 0) / readAtMs.length;
    return { atMs, byConnection };
  };
}

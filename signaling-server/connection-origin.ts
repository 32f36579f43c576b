/**
 * Each connection's origin, read once from its HTTP handshake request, after which the request is
 * dropped. Engine.IO keeps that request (an IncomingMessage with its headers, raw headers and
 * parser state) for the life of the connection; the tracker needs only the client address from it,
 * so holding an idle peer costs a few KiB less (Socket.IO's "memory usage" advice).
 */
import type { IncomingMessage } from 'node:http';
import { clientAddressOf } from './client-address';
import type { TrustedProxies } from './client-address';
import type { TrackerServer, TrackerSocket } from './socket-types';

export interface ConnectionOrigin {
  /** Who the client is (client-address.ts): the TCP peer, or what a trusted proxy says. */
  clientAddress: string;
  /** The TCP peer sent X-Forwarded-For without being a trusted proxy (the header was ignored). */
  hasIgnoredForwardedFor: boolean;
}

/** An Engine.IO connection, as far as this module touches it. */
interface EngineConnection {
  request: IncomingMessage | null;
  transport: { name: string };
}

/**
 * Engine.IO's stand-in response for a WebSocket upgrade stays reachable from the TCP socket's close
 * listener, and it holds the request, so dropping the request from the connection does not free it:
 * its headers (a browser sends a KiB or more) are emptied as well. Nothing reads them once the
 * WebSocket is open; a polling request is left alone, as its transport may still answer it.
 */
function emptyUpgradeRequest(request: IncomingMessage): void {
  request.headers = {};
  request.rawHeaders = [];
  request.url = '';
  Object.assign(request, { _query: {} });
}

export interface ConnectionOrigins {
  /** The origin of the request an Engine.IO connection is being opened with (before it exists). */
  ofRequest(request: IncomingMessage): ConnectionOrigin;
  /** The origin recorded for an Engine.IO connection, if it was opened since recording began. */
  ofConnection(connection: object): ConnectionOrigin | undefined;
  /** The origin recorded for a Socket.IO socket's connection; the TCP peer alone if none was. */
  ofSocket(socket: TrackerSocket): ConnectionOrigin;
  /** Runs for each new Engine.IO connection, with its origin, before its request is dropped. */
  onConnection(listener: (connection: object, origin: ConnectionOrigin) => void): void;
}

/** Records every connection's origin and drops its handshake request. Call before other Engine.IO listeners. */
export function recordConnectionOrigins(io: TrackerServer, trustedProxies: TrustedProxies): ConnectionOrigins {
  // Weak: an entry goes with its connection, whatever ends it.
  const origins = new WeakMap<object, ConnectionOrigin>();
  const listeners: Array<(connection: object, origin: ConnectionOrigin) => void> = [];

  function ofRequest(request: IncomingMessage): ConnectionOrigin {
    const remoteAddress = request.socket.remoteAddress;
    const forwardedFor = request.headers['x-forwarded-for'];
    return {
      clientAddress: clientAddressOf({ remoteAddress, forwardedFor }, trustedProxies),
      hasIgnoredForwardedFor: forwardedFor !== undefined && !trustedProxies.isTrusted(remoteAddress ?? ''),
    };
  }

  io.engine.on('connection', (connection: EngineConnection) => {
    if (connection.request === null) return;
    const origin = ofRequest(connection.request);
    origins.set(connection, origin);
    for (const listener of listeners) listener(connection, origin);
    // Socket.IO reads the request once more, to build `socket.handshake` when the client connects
    // to the namespace; with it gone that handshake has no headers, url or query, which nothing
    // here reads. Engine.IO copied the remote address out already.
    if (connection.transport.name === 'websocket') emptyUpgradeRequest(connection.request);
    connection.request = null;
  });

  return {
    ofRequest,
    ofConnection(connection) {
      return origins.get(connection);
    },
    ofSocket(socket) {
      return (
        origins.get(socket.conn) ?? {
          clientAddress: clientAddressOf({ remoteAddress: socket.conn.remoteAddress, forwardedFor: undefined }, trustedProxies),
          hasIgnoredForwardedFor: false,
        }
      );
    },
    onConnection(listener) {
      listeners.push(listener);
    },
  };
}

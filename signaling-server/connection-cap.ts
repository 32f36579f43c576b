/**
 * The cap on Socket.IO connections per client address (SHOAL_MAX_CONNECTIONS_PER_IP), enforced in
 * a connection middleware: a connection over the cap never reaches the request handlers, and its
 * client gets a `connect_error` saying why. Per-connection rate limits alone let one address open
 * any number of connections and so multiply its budget.
 */
import type { ErrorCode } from '../shared/protocol';
import type { ConnectionCounter } from './connection-cap-counter';
import type { ConnectionOrigins } from './connection-origin';
import type { TrackerLog, TrackerServer, TrackerSocket } from './socket-types';

/**
 * The `code` in a refused connection's `connect_error` data, from the one error table, so clients
 * map it as they map any other error (tracker-connection.ts turns it into a ShoalError).
 */
export const CONNECTION_REFUSED_CODE: ErrorCode = 'TOO_MANY_CONNECTIONS';

export function tooManyConnectionsMessage(limit: number): string {
  return `Too many connections from your address (limit ${limit})`;
}

/**
 * Transports (Engine.IO connections) one address may hold in one process, per connection the cap
 * allows. A transport that never connects to the namespace, or was refused there, is not in the
 * cap's count, and Socket.IO keeps it for up to its connectTimeout (45 s); socket.io-client closes
 * a refused one at once, so only a client that hoards idle transports reaches this backstop.
 */
const TRANSPORTS_PER_ALLOWED_CONNECTION = 2;

/** Proxies we warn about at most once each; bounded so a flood of addresses cannot grow it. */
const MAX_UNTRUSTED_PROXY_WARNINGS = 20;

export interface ConnectionCapOptions {
  counter: ConnectionCounter;
  /** Most connections one client address may hold at once, across every tracker process sharing `counter`. */
  maxPerAddress: number;
  /** Each connection's client address, read from its handshake (connection-origin.ts). */
  origins: ConnectionOrigins;
  log: TrackerLog;
  /** Told of every refused connection (metrics). */
  onRefused?: (address: string) => void;
}

/** A Socket.IO middleware error: the client's `connect_error` carries `message` and `data`. */
function refusal(limit: number): Error & { data: { code: ErrorCode; limit: number } } {
  return Object.assign(new Error(tooManyConnectionsMessage(limit)), { data: { code: CONNECTION_REFUSED_CODE, limit } });
}

export function capConnectionsPerAddress(io: TrackerServer, options: ConnectionCapOptions): void {
  const { counter, maxPerAddress, origins, log, onRefused } = options;
  const warnedProxies = new Set<string>();
  let isCounterFailing = false;

  // Behind a proxy nobody listed, every client shares the proxy's address and so one cap.
  function warnOfUntrustedProxy(address: string): void {
    if (warnedProxies.has(address) || warnedProxies.size >= MAX_UNTRUSTED_PROXY_WARNINGS) return;
    warnedProxies.add(address);
    log.info(
      `A connection from ${address} carried X-Forwarded-For, which is ignored: if ${address} is your reverse proxy, ` +
        'list it in SHOAL_TRUSTED_PROXIES, or every client behind it shares one connection cap',
    );
  }

  // Counted connections and the address each was counted under, until released; the listeners
  // below are shared by every connection (Node's EventEmitter passes the emitter as `this`).
  const counted = new WeakMap<object, string>();
  function release(transport: object): void {
    const address = counted.get(transport);
    if (address === undefined) return;
    counted.delete(transport);
    counter.release(address).catch((error: unknown) => log.error(`Could not uncount a connection from ${address}`, error));
  }
  function releaseSocket(this: TrackerSocket): void {
    release(this.conn);
  }
  function releaseTransport(this: object): void {
    release(this);
  }

  io.use(async (socket, next) => {
    const { clientAddress: address, hasIgnoredForwardedFor } = origins.ofSocket(socket);
    if (hasIgnoredForwardedFor) warnOfUntrustedProxy(address);

    let isCounted: boolean;
    try {
      isCounted = await counter.tryAcquire(address, maxPerAddress);
      isCounterFailing = false;
    } catch (error) {
      // A counter that cannot be reached (Redis down) must not lock everyone out: admit uncounted.
      if (!isCounterFailing) log.error('Could not count connections per address; admitting connections uncounted until it recovers', error);
      isCounterFailing = true;
      next();
      return;
    }
    if (!isCounted) {
      onRefused?.(address);
      next(refusal(maxPerAddress));
      return;
    }

    counted.set(socket.conn, address);
    // 'disconnect' ends a connected socket; the transport's close covers one that closed while we
    // were counting, which Socket.IO then drops without ever connecting or disconnecting it.
    socket.on('disconnect', releaseSocket);
    socket.conn.on('close', releaseTransport);
    if (socket.conn.readyState !== 'open') release(socket.conn);
    next();
  });

  capTransports(io, maxPerAddress * TRANSPORTS_PER_ALLOWED_CONNECTION, origins, onRefused);
}

/**
 * Refuses the transport handshake itself (HTTP 403, before any Socket.IO connection exists) once
 * an address holds `maxPerAddress` transports in this process. Counted per process: it bounds what
 * one address makes this process hold, while the cap above is what people meet.
 */
function capTransports(io: TrackerServer, maxPerAddress: number, origins: ConnectionOrigins, onRefused?: (address: string) => void): void {
  const open = new Map<string, number>();
  // One close listener for every transport; Node's EventEmitter passes the transport as `this`.
  function forgetTransport(this: object): void {
    const address = origins.ofConnection(this)?.clientAddress;
    if (address === undefined) return;
    const count = (open.get(address) ?? 1) - 1;
    if (count > 0) open.set(address, count);
    else open.delete(address);
  }
  origins.onConnection((transport, { clientAddress: address }) => {
    open.set(address, (open.get(address) ?? 0) + 1);
    (transport as { once(event: 'close', listener: (this: object) => void): void }).once('close', forgetTransport);
  });
  const earlier = io.engine.opts.allowRequest;
  io.engine.opts.allowRequest = (request, answer) => {
    const address = origins.ofRequest(request).clientAddress;
    if ((open.get(address) ?? 0) >= maxPerAddress) {
      onRefused?.(address);
      answer(`Too many open transports from your address (limit ${maxPerAddress})`, false);
      return;
    }
    if (earlier === undefined) answer(null, true);
    else earlier(request, answer);
  };
}

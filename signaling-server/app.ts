/**
 * Builds and starts one tracker: Fastify for the REST API and the web app, Socket.IO on the same
 * HTTP server for peers. `main.ts` runs it for people; tests and e2e start many on port 0.
 */
import type { AddressInfo, Socket } from 'node:net';
import Fastify from 'fastify';
import { Server } from 'socket.io';
import { DEFAULT_HOST, DEFAULT_PORT, DEFAULT_STATIC_DIR, HEARTBEAT, MAX_MESSAGE_BYTES } from './config';
import { httpUrl } from './listen-urls';
import { installErrorHandler } from './rest-errors';
import { registerRestApi } from './rest-api';
import { attachSocketHandlers } from './socket-handlers';
import type { TrackerLog, TrackerServer } from './socket-types';
import { serveWebApp } from './static-site';
import { MemoryStore } from './store/memory-store';
import type { TrackerStore } from './store/tracker-store';
import { zodSerializerCompiler, zodValidatorCompiler } from './zod-fastify';
import type { ZodTypeProvider } from './zod-fastify';

export interface TrackerOptions {
  /** TCP port; 0 picks a free one (tests). Default 8080. */
  port?: number;
  /** Interface to bind. Default 0.0.0.0 (every interface); tests use 127.0.0.1. */
  host?: string;
  /** Heartbeat; defaults in config.ts meet the 15 s dead-peer budget. Tests shorten them. */
  pingIntervalMs?: number;
  pingTimeoutMs?: number;
  /** Built web app to serve (needs an index.html); default `<repo>/dist`; null serves none. */
  staticDir?: string | null;
  /** Other origins allowed to open Socket.IO connections, e.g. the Vite dev server `http://localhost:5173`. */
  corsOrigins?: string[];
  /** Tracker state; default a fresh in-memory store. */
  store?: TrackerStore;
  /** Where joins, leaves and unexpected errors are reported; default silent. */
  log?: TrackerLog;
}

export interface RunningTracker {
  /** Base URL to open, e.g. `http://127.0.0.1:41234` (`localhost` when bound to every interface). */
  url: string;
  /** The bound port (the real one when 0 was asked for). */
  port: number;
  host: string;
  /** Whether a built web app is being served. */
  isServingWebApp: boolean;
  /** Disconnects every peer and frees the port; safe to call more than once. */
  close(): Promise<void>;
}

const silentLog: TrackerLog = { info: () => undefined, error: () => undefined };

export async function createTracker(options: TrackerOptions = {}): Promise<RunningTracker> {
  const host = options.host ?? DEFAULT_HOST;
  const store = options.store ?? new MemoryStore();
  const log = options.log ?? silentLog;

  const app = Fastify({ logger: false }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(zodValidatorCompiler);
  app.setSerializerCompiler(zodSerializerCompiler);
  installErrorHandler(app, log);
  registerRestApi(app, { store, startedAtMs: Date.now() });
  const isServingWebApp = await serveWebApp(app, options.staticDir === undefined ? DEFAULT_STATIC_DIR : options.staticDir);

  const io: TrackerServer = new Server(app.server, {
    pingInterval: options.pingIntervalMs ?? HEARTBEAT.pingIntervalMs,
    pingTimeout: options.pingTimeoutMs ?? HEARTBEAT.pingTimeoutMs,
    maxHttpBufferSize: MAX_MESSAGE_BYTES,
    // The web app bundles socket.io-client itself.
    serveClient: false,
    ...(options.corsOrigins !== undefined && options.corsOrigins.length > 0
      ? { cors: { origin: options.corsOrigins } }
      : {}),
  });
  attachSocketHandlers(io, store, log);

  // Every TCP connection, HTTP or upgraded to WebSocket, so close() can end them all at once.
  const connections = new Set<Socket>();
  app.server.on('connection', (connection: Socket) => {
    connections.add(connection);
    connection.once('close', () => connections.delete(connection));
  });

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      // io.close() drops every socket without a Socket.IO disconnect packet, so browsers reconnect
      // by themselves when a tracker comes back. It waits for the HTTP server to close, which
      // waits for every connection: a frozen peer would hold it for ws's 30 s close timeout, so
      // connections are destroyed rather than politely closed.
      const ioClosed = io.close();
      for (const connection of connections) connection.destroy();
      await ioClosed;
      await app.close();
    })();
    return closing;
  };

  try {
    await app.listen({ port: options.port ?? DEFAULT_PORT, host });
  } catch (error) {
    await close();
    throw error;
  }
  const { port } = app.server.address() as AddressInfo;
  return { url: httpUrl(host, port), port, host, isServingWebApp, close };
}

import { afterEach, describe, expect, it } from 'vitest';
import { io } from 'socket.io-client';
import WebSocket from 'ws';
import type { Socket } from 'socket.io-client';
import { createTracker } from './app';
import type { RunningTracker, TrackerOptions } from './app';
import { TrustedProxies } from './client-address';
import { waitFor } from './test-support/wait-for';


const LIMIT = 3;
const trackers: RunningTracker[] = [];
const sockets: Socket[] = [];
const transports: WebSocket[] = [];

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.disconnect();
  for (const transport of transports.splice(0)) transport.terminate();
  for (const tracker of trackers.splice(0)) await tracker.close();
});

async function startTracker(options: TrackerOptions = {}): Promise<RunningTracker> {
  const tracker = await createTracker({ host: '127.0.0.1', port: 0, staticDir: null, maxConnectionsPerAddress: LIMIT, ...options });
  trackers.push(tracker);
  return tracker;
}

type Outcome = { connected: Socket } | { refused: Error & { data?: { code?: string; limit?: number } } };

/** Opens a real socket.io-client connection over websocket, optionally as if through a proxy. */
function connect(url: string, forwardedFor?: string): Promise<Outcome> {
  const socket = io(url, {
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    ...(forwardedFor === undefined ? {} : { extraHeaders: { 'x-forwarded-for': forwardedFor } }),
  });
  sockets.push(socket);
  return new Promise((resolve) => {
    socket.once('connect', () => resolve({ connected: socket }));
    socket.once('connect_error', (error) => resolve({ refused: error }));
  });
}

async function connected(url: string, forwardedFor?: string): Promise<Socket> {
  const outcome = await connect(url, forwardedFor);
  if ('refused' in outcome) throw new Error(`Connection refused: ${outcome.refused.message}`);
  return outcome.connected;
}

async function refusal(url: string, forwardedFor?: string): Promise<string> {
  const outcome = await connect(url, forwardedFor);
  if ('connected' in outcome) throw new Error('The connection was admitted');
  expect(outcome.refused.data).toEqual({ code: 'TOO_MANY_CONNECTIONS', limit: LIMIT });
  return outcome.refused.message;
}

describe('connection cap per client address', () => {
  it('refuses the connection past the limit with a clear message, and a closed one frees its slot', async () => {
    const { url } = await startTracker();
    const open = [await connected(url), await connected(url), await connected(url)];
    expect(await refusal(url)).toBe(`Too many connections from your address (limit ${LIMIT})`);
    open[0]?.disconnect();
    // The slot frees once the tracker has seen the disconnect; poll by reconnecting.
    let again: Outcome = await connect(url);
    for (let attempt = 0; 'refused' in again && attempt < 50; attempt += 1) again = await connect(url);
    expect('connected' in again).toBe(true);
    expect(await refusal(url)).toContain(`(limit ${LIMIT})`);
  });

  it('counts clients behind a trusted proxy by their X-Forwarded-For address', async () => {
    const { url } = await startTracker({ trustedProxies: TrustedProxies.parse('127.0.0.1, ::1') });
    for (let index = 0; index < LIMIT; index += 1) await connected(url, `198.51.100.${index}, 203.0.113.1`);
    // Same rightmost untrusted address, a different forged one on the left: still the same client.
    expect(await refusal(url, '192.0.2.99, 203.0.113.1')).toContain('Too many connections');
    // Another client behind the same proxy has its own slots.
    await connected(url, '203.0.113.2');
  });

  it('ignores X-Forwarded-For from a peer that is not a trusted proxy', async () => {
    const logged: string[] = [];
    const log = { info: (message: string) => logged.push(message), error: () => undefined };
    const { url } = await startTracker({ trustedProxies: TrustedProxies.parse('10.0.0.0/8'), log });
    for (let index = 0; index < LIMIT; index += 1) await connected(url, `203.0.113.${index}`);
    // A fresh forged address does not buy a fresh slot.
    expect(await refusal(url, '203.0.113.200')).toContain('Too many connections');
    // The operator hears once that a proxy may be missing from SHOAL_TRUSTED_PROXIES.
    expect(logged.filter((line) => line.includes('SHOAL_TRUSTED_PROXIES'))).toHaveLength(1);
  });

  it('refuses the transport handshake itself once one address hoards twice the cap in idle transports', async () => {
    const { url } = await startTracker();
    /** A bare Engine.IO transport that never connects to the namespace: the status of its handshake. */
    const openTransport = (): Promise<number> => {
      const transport = new WebSocket(`${url.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`);
      transports.push(transport);
      transport.on('error', () => undefined);
      return new Promise((resolve) => {
        transport.once('message', () => resolve(101));
        transport.once('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
      });
    };
    for (let index = 0; index < 2 * LIMIT; index += 1) expect(await openTransport()).toBe(101);
    // Engine.IO answers a refused WebSocket upgrade with 400 Bad Request.
    expect(await openTransport()).toBe(400);
    // A real client from the same address cannot get in either, until a transport closes.
    expect('refused' in (await connect(url))).toBe(true);
    transports[0]?.close();
    await waitFor(async () => ('connected' in (await connect(url)) ? true : undefined), 'a connection once a transport closed');
  });

  it('leaves connections uncapped when no limit is set', async () => {
    const { url } = await startTracker({ maxConnectionsPerAddress: undefined });
    for (let index = 0; index < LIMIT + 2; index += 1) await connected(url);
  });
});

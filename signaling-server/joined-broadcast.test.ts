import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Server } from 'socket.io';
import { io as connectClient } from 'socket.io-client';
import type { Socket as ClientSocket } from 'socket.io-client';
import type { PeersDeltaPush } from '../shared/protocol';
import { createJoinedBroadcast } from './joined-broadcast';
import { JOINED_ROOM } from './socket-types';
import type { TrackerServer } from './socket-types';
import { waitFor } from './test-support/wait-for';

const closers: Array<() => Promise<void>> = [];

afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

/** A server whose sockets join JOINED_ROOM when their auth says so, and its clients' received pushes. */
async function startServer(joinedCount: number, idleCount: number): Promise<{ io: TrackerServer; received: Map<ClientSocket, number[]>; clients: ClientSocket[] }> {
  const http = createServer();
  const io: TrackerServer = new Server(http, { serveClient: false });
  io.on('connection', (socket) => {
    const { room } = socket.handshake.auth as { room: string };
    void socket.join(room === 'joined' ? [JOINED_ROOM, `peer:${socket.id}`] : [`idle:${socket.id}`]);
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  closers.push(() => io.close());
  const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  const received = new Map<ClientSocket, number[]>();
  const clients: ClientSocket[] = [];
  for (let index = 0; index < joinedCount + idleCount; index += 1) {
    const client = connectClient(url, { transports: ['websocket'], forceNew: true, reconnection: false, auth: { room: index < joinedCount ? 'joined' : 'idle' } });
    closers.push(async () => {
      client.disconnect();
    });
    received.set(client, []);
    client.on('peers-delta', (push: PeersDeltaPush) => received.get(client)?.push(push.seq));
    clients.push(client);
    await new Promise<void>((resolve) => client.once('connect', () => resolve()));
  }
  await waitFor(() => io.of('/').adapter.rooms.get(JOINED_ROOM)?.size === joinedCount, 'every joined socket in the room');
  return { io, received, clients };
}

function delta(seq: number): PeersDeltaPush {
  return { seq, left: `peer-${seq}` };
}

describe('pushes to every joined socket', () => {
  it('reach each joined socket once and in order, a slice per turn of the event loop, and skip the excepted room', async () => {
    const { io, received, clients } = await startServer(5, 2);
    const writes: number[] = [];
    const adapter = io.of('/').adapter;
    const broadcast = adapter.broadcast.bind(adapter);
    adapter.broadcast = (packet, options) => {
      writes.push(options.rooms.size);
      broadcast(packet, options);
    };
    const joined = createJoinedBroadcast(io, 2);

    const first = joined.emit('peers-delta', delta(1));
    const second = joined.emit('peers-delta', delta(2));
    // Marks the next turn of the event loop: only the first slice is written before it.
    setImmediate(() => writes.push(-1));
    await Promise.all([first, second]);
    expect(writes).toEqual([2, -1, 2, 1, 2, 2, 1]);

    const excepted = [...(adapter.rooms.get(JOINED_ROOM) ?? [])][0] ?? '';
    await joined.emit('peers-delta', delta(3), `peer:${excepted}`);

    const [joinedClients, idleClients] = [clients.slice(0, 5), clients.slice(5)];
    await waitFor(() => joinedClients.every((client) => (received.get(client)?.length ?? 0) >= (client.id === excepted ? 2 : 3)), 'every push delivered');
    await new Promise((resolve) => setTimeout(resolve, 100));
    for (const client of joinedClients) expect(received.get(client)).toEqual(client.id === excepted ? [1, 2] : [1, 2, 3]);
    for (const client of idleClients) expect(received.get(client)).toEqual([]);
  });
});

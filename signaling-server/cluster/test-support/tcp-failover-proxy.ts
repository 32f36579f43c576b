/**
 * A TCP proxy in front of several trackers, as nginx or HAProxy would stand in front of several
 * machines: each new connection goes to the first backend, in the given order, that accepts it; a
 * dead backend refuses and the next is tried. It forwards bytes and knows nothing of Socket.IO.
 */
import { connect, createServer } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';

export interface FailoverProxy {
  url: string;
  close(): Promise<void>;
}

function connectFirst(ports: readonly number[]): Promise<Socket | undefined> {
  const [port, ...rest] = ports;
  if (port === undefined) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    const upstream = connect({ host: '127.0.0.1', port });
    upstream.once('connect', () => resolve(upstream));
    upstream.once('error', () => {
      upstream.destroy();
      void connectFirst(rest).then(resolve);
    });
  });
}

export async function startFailoverProxy(backendPorts: readonly number[]): Promise<FailoverProxy> {
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    sockets.add(client);
    client.once('close', () => sockets.delete(client));
    client.on('error', () => client.destroy());
    client.pause();
    void connectFirst(backendPorts).then((upstream) => {
      if (upstream === undefined || client.destroyed) {
        client.destroy();
        upstream?.destroy();
        return;
      }
      sockets.add(upstream);
      upstream.once('close', () => {
        sockets.delete(upstream);
        client.destroy();
      });
      upstream.on('error', () => upstream.destroy());
      client.once('close', () => upstream.destroy());
      client.pipe(upstream);
      upstream.pipe(client);
      client.resume();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

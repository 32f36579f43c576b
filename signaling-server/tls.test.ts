import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { get } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io } from 'socket.io-client';
import type { Socket } from 'socket.io-client';
import { afterAll, describe, expect, it } from 'vitest';
import type { ClientToServerEvents, ServerToClientEvents } from '../shared/protocol';
import { createTracker } from './app';
import { newIdentity } from './test-support/identities';
import { requestJoin } from './test-support/tracker-harness';
import type { ClientSocket } from './test-support/tracker-harness';

/** A throwaway self-signed certificate for 127.0.0.1, made with the system's openssl. */
function selfSignedCertificate(): { cert: Buffer; key: Buffer } {
  const dir = mkdtempSync(join(tmpdir(), 'shoal-tls-'));
  try {
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
      '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1',
      '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
    ], { stdio: 'ignore' });
    return { cert: readFileSync(join(dir, 'cert.pem')), key: readFileSync(join(dir, 'key.pem')) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** GET over HTTPS trusting only `ca`; resolves with status, HSTS header and body. */
function httpsGet(url: string, ca: Buffer): Promise<{ status: number; hsts: string | undefined; body: string }> {
  return new Promise((resolve, reject) => {
    get(url, { ca }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, hsts: response.headers['strict-transport-security'], body }),
      );
    }).on('error', reject);
  });
}

const certificate = selfSignedCertificate();
const tracker = await createTracker({ host: '127.0.0.1', port: 0, staticDir: null, tls: certificate });
const sockets: Socket[] = [];
afterAll(async () => {
  for (const socket of sockets) socket.disconnect();
  await tracker.close();
});

describe('a tracker with TLS_CERT and TLS_KEY', () => {
  it('serves the REST API over HTTPS, announced with an https URL and HSTS', async () => {
    expect(tracker.isTls).toBe(true);
    expect(tracker.url).toBe(`https://127.0.0.1:${tracker.port}`);
    // A client that trusts some other certificate refuses this server.
    await expect(httpsGet(`${tracker.url}/api/health`, selfSignedCertificate().cert)).rejects.toThrow();

    const response = await httpsGet(`${tracker.url}/api/health`, certificate.cert);
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body)).toMatchObject({ status: 'ok' });
    expect(response.hsts).toContain('max-age=');
  });

  it('accepts peers over WSS', async () => {
    const socket: ClientSocket = io(tracker.url, {
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
      ca: certificate.cert.toString(),
    }) as Socket<ServerToClientEvents, ClientToServerEvents>;
    sockets.push(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('connect_error', reject);
    });
    expect(await requestJoin(socket, 'Ana', await newIdentity())).toMatchObject({ ok: true, peer: { name: 'Ana' } });
  });

  it('does not speak plain HTTP on the same port', async () => {
    await expect(fetch(`http://127.0.0.1:${tracker.port}/api/health`)).rejects.toThrow();
  });
});

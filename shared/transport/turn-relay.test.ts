/**
 * Two wrtc peers through a real TURN relay: coturn on 127.0.0.1 with the shared-secret scheme the
 * tracker mints credentials for (`use-auth-secret`). Relay-only policy, so nothing but the relay
 * can carry the connection. Skipped where coturn is not installed (Debian: apt-get install coturn).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import wrtc from '@roamhq/wrtc';
import SimplePeer from 'simple-peer';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { PeerChannel } from '../engine/transport';
import type { IceServer } from '../protocol/ice-servers';
import { waitFor } from '../test-support/wait-for';
import { SimplePeerTransport } from './simple-peer-transport';
import { failureOf } from './test-support/connect-failure';
import { dropCandidates, signalingPair, type SignalRewrite } from './test-support/signaling-pair';

const TURNSERVER = '/usr/bin/turnserver';
const SECRET = 'the secret coturn and the tracker share';

interface Coturn {
  port: number;
  process: ChildProcess;
  output: () => string;
  stop: () => void;
}

/** A UDP port nobody uses right now (bound, read, released). */
async function freeUdpPort(): Promise<number> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}

/** Resolves once the server answers a STUN Binding request (RFC 8489): it is ready for allocations. */
async function answersStun(port: number): Promise<boolean> {
  const socket = createSocket('udp4');
  const request = Buffer.alloc(20);
  request.writeUInt16BE(0x0001, 0); // Binding request, no attributes
  request.writeUInt32BE(0x2112a442, 4); // magic cookie
  request.fill(7, 8); // transaction id
  try {
    return await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 200);
      socket.once('message', (message) => {
        clearTimeout(timer);
        resolve(message.readUInt16BE(0) === 0x0101);
      });
      socket.send(request, port, '127.0.0.1');
    });
  } finally {
    socket.close();
  }
}

async function startCoturn(): Promise<Coturn> {
  const port = await freeUdpPort();
  const dir = mkdtempSync(join(tmpdir(), 'shoal-coturn-'));
  const args = [
    '-n', // no config file: everything is here
    '--listening-ip=127.0.0.1',
    '--relay-ip=127.0.0.1',
    `--listening-port=${port}`,
    '--use-auth-secret',
    `--static-auth-secret=${SECRET}`,
    '--realm=shoal.test',
    '--allow-loopback-peers', // both peers' relay addresses are on 127.0.0.1
    '--no-cli',
    '--no-tls',
    '--no-dtls',
    '--fingerprint',
    `--userdb=${join(dir, 'turndb')}`,
    `--pidfile=${join(dir, 'turnserver.pid')}`,
    '--log-file=stdout',
  ];
  const child = spawn(TURNSERVER, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (data: Buffer) => (output += data.toString()));
  child.stderr.on('data', (data: Buffer) => (output += data.toString()));
  // Killed when the tests end, and if the worker itself exits first, so no relay outlives them.
  const killOnExit = (): void => void child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const stop = (): void => {
    child.kill('SIGKILL');
    process.off('exit', killOnExit);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitFor(() => child.exitCode === null && answersStun(port), `coturn answering on port ${port}`, { timeoutMs: 10_000 });
  } catch (error) {
    stop();
    throw new Error(`${String(error)}\ncoturn said:\n${output}`);
  }
  return { port, process: child, output: () => output, stop };
}

/** A TURN entry with coturn's shared-secret credentials, computed here from the definition. */
function relayEntry(port: number, peerId: string, options: { expiresAtUnixSeconds?: number; secret?: string } = {}): IceServer {
  const expiry = options.expiresAtUnixSeconds ?? Math.floor(Date.now() / 1000) + 3600;
  const username = `${expiry}:${peerId}`;
  const credential = createHmac('sha1', options.secret ?? SECRET).update(username).digest('base64');
  return { urls: `turn:127.0.0.1:${port}?transport=udp`, username, credential };
}

const transports: SimplePeerTransport[] = [];

/** Ana and Ben, each with its own TURN entry; relay-only unless told otherwise. */
function anaAndBen(iceServers: (peerId: string) => IceServer[], options: { policy?: RTCIceTransportPolicy; rewrite?: SignalRewrite } = {}) {
  const [anaSignals, benSignals] = signalingPair(['ana', 'ben'], options.rewrite);
  const make = (signaling: typeof anaSignals, peerId: string) =>
    new SimplePeerTransport({
      SimplePeer,
      signaling,
      iceServers: () => iceServers(peerId),
      peerOptions: { wrtc, config: { iceTransportPolicy: options.policy ?? 'relay' } },
    });
  const ana = make(anaSignals, 'ana');
  const ben = make(benSignals, 'ben');
  transports.push(ana, ben);
  return { ana, ben };
}

describe.skipIf(!existsSync(TURNSERVER))('a TURN relay (coturn, shared-secret credentials)', () => {
  let coturn: Coturn | undefined;

  beforeAll(async () => {
    coturn = await startCoturn();
  });

  afterEach(() => {
    for (const transport of transports.splice(0)) transport.close();
  });

  afterAll(() => coturn?.stop());

  function relayPort(): number {
    if (coturn === undefined) throw new Error('coturn did not start');
    return coturn.port;
  }

  it('carries a connection between two peers that may use nothing else, and the channel says it is relayed', async () => {
    const port = relayPort();
    const { ana, ben } = anaAndBen((peerId) => [relayEntry(port, peerId)]);
    const incoming = new Promise<PeerChannel>((resolve) => ben.onIncoming(resolve));
    const channel = await ana.connect('ben', { timeoutMs: 15_000 }).catch((error: unknown) => {
      throw new Error(`${String(error)}\ncoturn said:\n${coturn?.output().slice(-3000)}`);
    });
    const atBen = await incoming;
    const received = new Promise((resolve) => atBen.onFrame(resolve));
    channel.send('through the relay');
    expect(await received).toBe('through the relay');
    const path = await channel.connectionPath?.();
    expect(path?.kind).toBe('relayed');
    expect(typeof path?.rttMs).toBe('number');
  });

  it('fails at once, saying the relay refused the credentials, when they are wrong or expired', async () => {
    const port = relayPort();
    const cases: Array<(peerId: string) => IceServer[]> = [
      (peerId) => [relayEntry(port, peerId, { secret: 'not the secret coturn knows' })],
      (peerId) => [relayEntry(port, peerId, { expiresAtUnixSeconds: Math.floor(Date.now() / 1000) - 60 })],
    ];
    for (const iceServers of cases) {
      const { ana } = anaAndBen(iceServers);
      const startedMs = Date.now();
      const error = await failureOf(ana.connect('ben', { timeoutMs: 15_000 }));
      // coturn answers 401 and wrtc reports it as an icecandidateerror, as Chromium does.
      expect(error.why).toBe('no direct path, and the relay refused the credentials (expired or wrong)');
      // Gathering ends as soon as coturn refuses; nothing waits for the 15 s connect timeout.
      expect(Date.now() - startedMs).toBeLessThan(5_000);
    }
  });

  it('says whether the relay refused the credentials or could not help, once ICE gives up with direct paths allowed', async () => {
    // Direct paths allowed, as for every real peer; no candidate crosses, so no path can form.
    const port = relayPort();
    const wrongSecret = (peerId: string) => [relayEntry(port, peerId, { secret: 'not the secret coturn knows' })];
    const refused = anaAndBen(wrongSecret, { policy: 'all', rewrite: dropCandidates });
    expect((await failureOf(refused.ana.connect('ben', { timeoutMs: 2_000 }))).why).toBe(
      'no direct path, and the relay refused the credentials (expired or wrong)',
    );
    const accepted = anaAndBen((peerId) => [relayEntry(port, peerId)], { policy: 'all', rewrite: dropCandidates });
    expect((await failureOf(accepted.ana.connect('ben', { timeoutMs: 2_000 }))).why).toBe(
      'no direct path, and the relay could not connect us either',
    );
  });
});

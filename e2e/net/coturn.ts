/**
 * A coturn TURN/STUN server started by a test inside a lab namespace, with a configuration of the
 * test's own (never /etc/turnserver.conf) and the shared-secret credentials the tracker mints.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Lab } from './lab';
import type { NamespaceProcess } from './namespace-process';

export const TURNSERVER_BINARY = '/usr/bin/turnserver';

export interface Coturn {
  ip: string;
  port: number;
  /** turn:ip:port?transport=udp, for SHOAL_TURN_URLS. */
  turnUrl: string;
  /** stun:ip:port, for SHOAL_ICE_SERVERS. */
  stunUrl: string;
  process: NamespaceProcess;
}

export interface CoturnOptions {
  /** coturn's static-auth-secret; the tracker must use the same to mint valid credentials. */
  secret: string;
  realm?: string;
  port?: number;
}

/** A small relay port range: a test opens a handful of allocations, and a range keeps them recognisable. */
const RELAY_MIN_PORT = 49_160;
const RELAY_MAX_PORT = 49_260;

export async function startCoturn(lab: Lab, ns: string, ip: string, { secret, realm = 'shoal.test', port = 3478 }: CoturnOptions): Promise<Coturn> {
  const dir = await lab.tempDir('coturn');
  const config = [
    `listening-ip=${ip}`,
    `relay-ip=${ip}`,
    `listening-port=${port}`,
    `min-port=${RELAY_MIN_PORT}`,
    `max-port=${RELAY_MAX_PORT}`,
    // The TURN REST API scheme: username "<expiry>:<id>", password HMAC-SHA1(secret, username).
    'use-auth-secret',
    `static-auth-secret=${secret}`,
    `realm=${realm}`,
    'fingerprint',
    // Peers in the lab use UDP only; no certificates to manage, no admin telnet port.
    'no-tls',
    'no-dtls',
    'no-cli',
    // Peers here live in the lab's public range 198.18.0.0/15 (RFC 2544). Nothing in this config
    // denies it, but it is allowed explicitly so that a future coturn default deny list (it
    // already refuses loopback and multicast peers) cannot silently turn the relay test into a failure.
    'allowed-peer-ip=198.18.0.0-198.19.255.255',
    'no-multicast-peers',
    // Everything the test needs stays in its temp dir: the log on stdout (the test reads
    // credential rejections from it), pid file and (unused) user database.
    'log-file=stdout',
    'simple-log',
    // Logs each allocation and each refused request (401, 438), which the credential tests read.
    'verbose',
    `pidfile=${path.join(dir, 'turnserver.pid')}`,
    `userdb=${path.join(dir, 'turndb')}`,
  ];
  const configFile = path.join(dir, 'turnserver.conf');
  await writeFile(configFile, `${config.join('\n')}\n`);
  const turnserver = lab.spawn(ns, TURNSERVER_BINARY, ['-c', configFile]);
  // Printed (with `verbose`) once it answers on that address; STUN and TURN here are UDP only.
  await turnserver.waitForOutput(new RegExp(`UDP listener opened on: ${ip.replaceAll('.', '\\.')}:${port}\\b`), 20_000);
  return {
    ip,
    port,
    turnUrl: `turn:${ip}:${port}?transport=udp`,
    stunUrl: `stun:${ip}:${port}`,
    process: turnserver,
  };
}

/** The addresses a person can type to reach the tracker, for the start-up message. */
import { networkInterfaces } from 'node:os';
import type { NetworkInterfaceInfo } from 'node:os';

function isAnyAddress(host: string): boolean {
  return host === '0.0.0.0' || host === '::';
}

export type UrlScheme = 'http' | 'https';

/** The base URL for one host and port; a wildcard bind is reached as localhost. */
export function httpUrl(host: string, port: number, scheme: UrlScheme = 'http'): string {
  const name = isAnyAddress(host) ? 'localhost' : host;
  return `${scheme}://${name.includes(':') ? `[${name}]` : name}:${port}`;
}

/**
 * Bound to every interface: localhost plus each LAN IPv4 address, so other devices on the network
 * can join. Bound to one address: just that one.
 */
export function urlsToOpen(
  host: string,
  port: number,
  interfaces: NodeJS.Dict<NetworkInterfaceInfo[]> = networkInterfaces(),
  scheme: UrlScheme = 'http',
): string[] {
  if (!isAnyAddress(host)) return [httpUrl(host, port, scheme)];
  const lanAddresses = Object.values(interfaces)
    .flatMap((addresses) => addresses ?? [])
    .filter((address) => address.family === 'IPv4' && !address.internal)
    .map((address) => httpUrl(address.address, port, scheme));
  return [httpUrl(host, port, scheme), ...new Set(lanAddresses)];
}

/**
 * What `npm start` prints about where to open Shoal: on this machine, and from other machines (one
 * URL per LAN address), with a word on plain HTTP when other machines would use it.
 */
export function startupLines(
  host: string,
  port: number,
  scheme: UrlScheme,
  interfaces: NodeJS.Dict<NetworkInterfaceInfo[]> = networkInterfaces(),
): string[] {
  const [local, ...lan] = urlsToOpen(host, port, interfaces, scheme);
  if (!isAnyAddress(host)) {
    const lines = ['Shoal tracker is running. Open:', `  ${local}`];
    if (scheme === 'http' && !isLoopbackAddress(host)) lines.push(PLAIN_HTTP_NOTE);
    return lines;
  }
  const lines = ['Shoal tracker is running. Open:', `  on this machine:      ${local}`];
  if (lan.length === 0) lines.push('  from other machines:  (no network address found)');
  lan.forEach((url, index) => lines.push(`  ${index === 0 ? 'from other machines:' : '                    '}  ${url}`));
  if (scheme === 'http' && lan.length > 0) lines.push(PLAIN_HTTP_NOTE);
  return lines;
}

const PLAIN_HTTP_NOTE =
  'Plain HTTP: the link from other machines is not encrypted; fine on a trusted home or office network ' +
  '(README: "Plain HTTP on a LAN" says how to get HTTPS).';

function isLoopbackAddress(host: string): boolean {
  return host === 'localhost' || host.startsWith('127.') || host === '::1';
}

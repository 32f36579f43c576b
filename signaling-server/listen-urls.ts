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

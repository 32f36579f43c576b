/**
 * Who is on the other end of a connection: the TCP peer's address, or, when that peer is a reverse
 * proxy the operator listed in SHOAL_TRUSTED_PROXIES, the client address the proxy recorded in
 * X-Forwarded-For. Limits per client address (the connection cap, REST rate limits) key on this.
 */
import { BlockList, isIP } from 'node:net';
import { z } from 'zod';

/** One SHOAL_TRUSTED_PROXIES entry: an address (`10.0.0.5`, `::1`) or a CIDR block (`10.0.0.0/8`). */
export interface ProxyEntry {
  address: string;
  /** Prefix length; a single address is a /32 (IPv4) or /128 (IPv6). */
  prefix: number;
  family: 'ipv4' | 'ipv6';
}

/** An IPv4 client seen through a dual-stack socket arrives as `::ffff:1.2.3.4`; count it as `1.2.3.4`. */
export function normalizeAddress(address: string): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  if (mapped?.[1] !== undefined) return mapped[1];
  return address.toLowerCase();
}

function familyOf(address: string): 'ipv4' | 'ipv6' | undefined {
  const version = isIP(address);
  if (version === 4) return 'ipv4';
  if (version === 6) return 'ipv6';
  return undefined;
}

const proxyEntrySchema = z.string().transform((text, context): ProxyEntry => {
  const [address = '', prefixText, ...rest] = text.split('/');
  const family = familyOf(address);
  const maxPrefix = family === 'ipv4' ? 32 : 128;
  const prefix = prefixText === undefined ? maxPrefix : /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : Number.NaN;
  if (family === undefined || rest.length > 0 || !(prefix >= 0 && prefix <= maxPrefix)) {
    context.addIssue({
      code: 'custom',
      message: `SHOAL_TRUSTED_PROXIES: '${text}' is not an IP address or CIDR block (e.g. 10.0.0.5, 10.0.0.0/8, ::1, fd00::/8)`,
    });
    return z.NEVER;
  }
  return { address: normalizeAddress(address), prefix, family };
});

/** SHOAL_TRUSTED_PROXIES: comma-separated addresses and CIDR blocks; blank entries are skipped. */
export const trustedProxiesSchema = z
  .string()
  .transform((value) => value.split(',').map((entry) => entry.trim()).filter((entry) => entry !== ''))
  .pipe(z.array(proxyEntrySchema));

/** The reverse proxies whose X-Forwarded-For is believed. Matching is Node's own `net.BlockList`. */
export class TrustedProxies {
  private readonly blocks = new BlockList();
  readonly isEmpty: boolean;

  constructor(entries: readonly ProxyEntry[] = []) {
    for (const { address, prefix, family } of entries) this.blocks.addSubnet(address, prefix, family);
    this.isEmpty = entries.length === 0;
  }

  /** Parses SHOAL_TRUSTED_PROXIES text; throws an Error naming the bad entry. */
  static parse(text: string): TrustedProxies {
    const parsed = trustedProxiesSchema.safeParse(text);
    if (!parsed.success) throw new Error(parsed.error.issues[0]?.message ?? 'SHOAL_TRUSTED_PROXIES is invalid');
    return new TrustedProxies(parsed.data);
  }

  isTrusted(address: string): boolean {
    if (this.isEmpty) return false;
    const normalized = normalizeAddress(address);
    const family = familyOf(normalized);
    return family !== undefined && this.blocks.check(normalized, family);
  }
}

/**
 * One X-Forwarded-For entry as an address: some proxies add the client's port
 * (`1.2.3.4:5678`, `[2001:db8::1]:5678`); undefined when it is not an address at all.
 */
function addressInEntry(entry: string): string | undefined {
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(entry);
  const withoutPort = bracketed?.[1] ?? entry.replace(/^(\d{1,3}(?:\.\d{1,3}){3}):\d+$/, '$1');
  return familyOf(withoutPort) === undefined ? undefined : normalizeAddress(withoutPort);
}

export interface ConnectionOrigin {
  /** The TCP peer, e.g. `request.socket.remoteAddress`; undefined once the socket is gone. */
  remoteAddress: string | undefined;
  /** The X-Forwarded-For header(s) as received. */
  forwardedFor: string | string[] | undefined;
}

/**
 * The client address of a request. X-Forwarded-For is a list each proxy appends the address it
 * received from to, so only its right end is written by proxies we know; anything to the left of
 * the first address that is not a trusted proxy was supplied by the client and may be forged. So
 * the client is the rightmost entry that is not a trusted proxy: walk from the right past our
 * own proxies and stop at the first stranger (taking the leftmost entry would let anyone pick
 * their address by sending the header themselves).
 */
export function clientAddressOf({ remoteAddress, forwardedFor }: ConnectionOrigin, trusted: TrustedProxies): string {
  const peer = normalizeAddress(remoteAddress ?? 'unknown');
  if (!trusted.isTrusted(peer)) return peer;
  const entries = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : (forwardedFor ?? ''))
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  // The nearest hop known so far: a malformed entry stops the walk here rather than be believed.
  let nearest = peer;
  for (let index = entries.length - 1; index >= 0; index -= 1) {
    const address = addressInEntry(entries[index] ?? '');
    if (address === undefined) return nearest;
    if (!trusted.isTrusted(address)) return address;
    nearest = address;
  }
  // Every hop is one of ours (a proxy talking to us for itself): the leftmost is the client.
  return nearest;
}

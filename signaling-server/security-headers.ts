/**
 * Security headers on every HTTP answer (web app, API, errors) through @fastify/helmet, with a
 * Content-Security-Policy that allows only the app's own files: no inline scripts or styles, no
 * plugins, no framing. Svelte's `style:` directives set styles through the CSSOM, which CSP
 * does not govern, so the built app needs nothing looser.
 */
import helmet from '@fastify/helmet';
import type { ZodFastify } from '../shared/fastify/zod-fastify';

export const CONTENT_SECURITY_POLICY = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  // Image previews of shared files are blob: URLs; data: covers small inlined icons.
  imgSrc: ["'self'", 'data:', 'blob:'],
  // Socket.IO to the tracker; older browsers do not count ws: to the same host as 'self'.
  connectSrc: ["'self'", 'ws:', 'wss:'],
  objectSrc: ["'none'"],
  baseUri: ["'self'"],
  frameAncestors: ["'none'"],
  formAction: ["'self'"],
};

/** Headers browsers honour only on a secure origin; elsewhere each page load logs an error about them. */
export const SECURE_ORIGIN_HEADERS = {
  'cross-origin-opener-policy': 'same-origin',
  'origin-agent-cluster': '?1',
} as const;

export async function addSecurityHeaders(app: ZodFastify, options: { isTls: boolean }): Promise<void> {
  await app.register(helmet, {
    // helmet's defaults add upgrade-insecure-requests, which would break a tracker served over
    // plain HTTP on a LAN; the policy is spelled out in full instead.
    contentSecurityPolicy: { useDefaults: false, directives: CONTENT_SECURITY_POLICY },
    frameguard: { action: 'deny' },
    // HSTS only means something over HTTPS. Not for subdomains: the tracker's host name may be
    // shared with other services that the operator never meant to force onto HTTPS.
    strictTransportSecurity: options.isTls ? { maxAge: 15_552_000, includeSubDomains: false } : false,
    // Sent below, per request, only where the browser will honour them.
    crossOriginOpenerPolicy: false,
    originAgentCluster: false,
  });
  app.addHook('onRequest', async (request, reply) => {
    const forwardedProto = request.headers['x-forwarded-proto'];
    const isSecure = isSecureOriginRequest({
      isTls: options.isTls,
      host: request.headers.host,
      forwardedProto: Array.isArray(forwardedProto) ? forwardedProto[0] : forwardedProto,
    });
    if (isSecure) reply.headers(SECURE_ORIGIN_HEADERS);
  });
}

export interface OriginHints {
  /** Whether this tracker serves HTTPS itself. */
  isTls: boolean;
  /** The Host header: the name the browser used for the page. */
  host: string | undefined;
  /** X-Forwarded-Proto from a TLS reverse proxy in front of a plain-HTTP tracker. */
  forwardedProto: string | undefined;
}

/**
 * Whether the page the browser asked for has a potentially trustworthy origin (W3C Secure
 * Contexts): HTTPS, or a loopback host. X-Forwarded-Proto is believed without checking who sent
 * it: a client that fakes it only adds two harmless headers to its own answer.
 */
export function isSecureOriginRequest({ isTls, host, forwardedProto }: OriginHints): boolean {
  if (isTls || forwardedProto?.split(',')[0]?.trim().toLowerCase() === 'https') return true;
  return host !== undefined && isLoopbackHost(hostnameOf(host));
}

/** The host name without its port; IPv6 literals keep their brackets off: "[::1]:80" -> "::1". */
function hostnameOf(host: string): string {
  const bracketed = /^\[([^\]]*)\]/.exec(host);
  if (bracketed) return bracketed[1] ?? '';
  return host.replace(/:\d*$/, '').toLowerCase();
}

function isLoopbackHost(hostname: string): boolean {
  return (
    hostname === 'localhost' ||
    hostname.endsWith('.localhost') ||
    /^127(\.\d{1,3}){3}$/.test(hostname) ||
    hostname === '::1'
  );
}

/**
 * Security headers on every HTTP answer (web app, API, errors) through @fastify/helmet, with a
 * Content-Security-Policy that allows only the app's own files: no inline scripts or styles, no
 * plugins, no framing. Svelte's `style:` directives set styles through the CSSOM, which CSP
 * does not govern, so the built app needs nothing looser.
 */
import helmet from '@fastify/helmet';
import type { ZodFastify } from './zod-fastify';

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

export async function addSecurityHeaders(app: ZodFastify, options: { isTls: boolean }): Promise<void> {
  await app.register(helmet, {
    // helmet's defaults add upgrade-insecure-requests, which would break a tracker served over
    // plain HTTP on a LAN; the policy is spelled out in full instead.
    contentSecurityPolicy: { useDefaults: false, directives: CONTENT_SECURITY_POLICY },
    frameguard: { action: 'deny' },
    // HSTS only means something over HTTPS. Not for subdomains: the tracker's host name may be
    // shared with other services that the operator never meant to force onto HTTPS.
    strictTransportSecurity: options.isTls ? { maxAge: 15_552_000, includeSubDomains: false } : false,
  });
}

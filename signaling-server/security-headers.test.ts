import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request, type IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isSecureOriginRequest } from './security-headers';
import { useTracker } from './test-support/tracker-harness';

const staticDir = mkdtempSync(join(tmpdir(), 'shoal-headers-static-'));
writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>Shoal</title>');
afterAll(() => rmSync(staticDir, { recursive: true, force: true }));

const EXPECTED_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "connect-src 'self' ws: wss:",
  "object-src 'none'",
  "base-uri 'self'",
  "frame-ancestors 'none'",
  "form-action 'self'",
];

describe('security headers', () => {
  const harness = useTracker({ staticDir });

  it('sends a strict Content-Security-Policy and the usual hardening headers on the app, the API and errors', async () => {
    for (const path of ['/', '/some/route', '/api/health', '/api/nope', '/missing.js']) {
      const response = await fetch(`${harness.url}${path}`);
      const headers = response.headers;
      const directives = (headers.get('content-security-policy') ?? '').split(';').map((directive) => directive.trim());
      expect(directives, path).toEqual(EXPECTED_CSP);
      expect(headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(headers.get('x-frame-options'), path).toBe('DENY');
      expect(headers.get('referrer-policy'), path).toBe('no-referrer');
      expect(headers.get('cross-origin-opener-policy'), path).toBe('same-origin');
      expect(headers.get('origin-agent-cluster'), path).toBe('?1');
      expect(headers.get('x-powered-by'), path).toBeNull();
      // Over plain HTTP: no HSTS, and no upgrade-insecure-requests that would break a LAN tracker.
      expect(headers.get('strict-transport-security'), path).toBeNull();
    }
  });
});

/** GET with a chosen Host header, as a browser on another machine sends it (fetch may not set Host). */
function getWithHost(url: string, host: string, extraHeaders: Record<string, string> = {}): Promise<IncomingHttpHeaders> {
  return new Promise((resolve, reject) => {
    const outgoing = request(url, { headers: { host, ...extraHeaders } }, (response) => {
      response.resume();
      resolve(response.headers);
    });
    outgoing.on('error', reject);
    outgoing.end();
  });
}

describe('headers that only mean something on a secure origin', () => {
  const harness = useTracker({ staticDir });

  it('are left out for a page opened over plain HTTP by LAN address or host name, so its console stays clean', async () => {
    for (const host of ['192.168.1.20:8080', 'shoal-lan.test:8080', 'localhost.example.org']) {
      for (const path of ['/', '/api/health', '/missing.js']) {
        const headers = await getWithHost(`${harness.url}${path}`, host);
        expect(headers['cross-origin-opener-policy'], `${host}${path}`).toBeUndefined();
        expect(headers['origin-agent-cluster'], `${host}${path}`).toBeUndefined();
        // Everything else stays.
        expect(headers['content-security-policy'], `${host}${path}`).toContain("default-src 'self'");
        expect(headers['x-frame-options'], `${host}${path}`).toBe('DENY');
      }
    }
  });

  it('are sent for loopback hosts and behind a TLS reverse proxy', async () => {
    const cases: [string, Record<string, string>][] = [
      ['localhost:8080', {}],
      ['[::1]:8080', {}],
      ['127.0.0.1', {}],
      ['192.168.1.20:8080', { 'x-forwarded-proto': 'https' }],
    ];
    for (const [host, extra] of cases) {
      const headers = await getWithHost(`${harness.url}/`, host, extra);
      expect(headers['cross-origin-opener-policy'], host).toBe('same-origin');
      expect(headers['origin-agent-cluster'], host).toBe('?1');
    }
  });

  it('counts HTTPS and loopback hosts as secure origins, and nothing else', () => {
    const secure = (host: string | undefined, isTls = false, forwardedProto?: string) =>
      isSecureOriginRequest({ isTls, host, forwardedProto });
    expect(secure('192.168.1.20:8443', true)).toBe(true);
    expect(secure('shoal.example.org', false, 'https, http')).toBe(true);
    for (const host of ['localhost', 'LOCALHOST:80', 'ana.localhost:8080', '127.0.0.1:8080', '127.4.5.6', '[::1]:8080']) {
      expect(secure(host), host).toBe(true);
    }
    for (const host of [undefined, '', '192.168.1.20:8080', 'shoal-lan.test', 'localhost.evil.example', '127.0.0.1.nip.io', '[fe80::1]:8080']) {
      expect(secure(host), String(host)).toBe(false);
    }
    expect(secure('192.168.1.20', false, 'http')).toBe(false);
  });
});

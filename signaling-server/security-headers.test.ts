import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
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
      expect(headers.get('x-powered-by'), path).toBeNull();
      // Over plain HTTP: no HSTS, and no upgrade-insecure-requests that would break a LAN tracker.
      expect(headers.get('strict-transport-security'), path).toBeNull();
    }
  });
});

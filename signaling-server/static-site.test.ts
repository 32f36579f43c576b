import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { useTracker } from './test-support/tracker-harness';

const INDEX_HTML = '<!doctype html><title>Shoal test shell</title><div id="app"></div>';
const APP_JS = 'console.log("shoal");';

const staticDir = mkdtempSync(join(tmpdir(), 'shoal-static-'));
mkdirSync(join(staticDir, 'assets'));
writeFileSync(join(staticDir, 'index.html'), INDEX_HTML);
writeFileSync(join(staticDir, 'assets', 'app-1234.js'), APP_JS);

afterAll(() => rmSync(staticDir, { recursive: true, force: true }));

describe('serving the web app', () => {
  const harness = useTracker({ staticDir });

  async function fetchText(path: string, init?: RequestInit): Promise<{ status: number; type: string; text: string }> {
    const response = await fetch(`${harness.url}${path}`, init);
    return { status: response.status, type: response.headers.get('content-type') ?? '', text: await response.text() };
  }

  it('serves index.html at the root and built assets by path', async () => {
    expect(harness.tracker.isServingWebApp).toBe(true);
    expect(await fetchText('/')).toEqual({ status: 200, type: expect.stringContaining('text/html'), text: INDEX_HTML });
    expect(await fetchText('/assets/app-1234.js')).toEqual({
      status: 200,
      type: expect.stringContaining('javascript'),
      text: APP_JS,
    });
  });

  it('answers a client-side route with index.html', async () => {
    expect(await fetchText('/files/some-id')).toEqual({ status: 200, type: expect.stringContaining('text/html'), text: INDEX_HTML });
  });

  it('answers a missing asset, a non-GET or an unknown API path with a JSON 404, not the app', async () => {
    for (const [path, init] of [['/assets/missing.js'], ['/somewhere', { method: 'POST' }], ['/api/nope']] as const) {
      const response = await fetchText(path, init);
      expect(response.status).toBe(404);
      expect(response.type).toContain('application/json');
      expect(JSON.parse(response.text)).toMatchObject({ error: 'NOT_FOUND' });
    }
  });

  it('still accepts peers over Socket.IO on the same port', async () => {
    const peer = await harness.join('Ana');
    await peer.waitForPeers((peers) => peers.length === 1, 'the peer list');
  });
});

describe('without a built web app', () => {
  const harness = useTracker({ staticDir: join(tmpdir(), 'shoal-no-such-dir') });

  it('explains at the root how to build it', async () => {
    expect(harness.tracker.isServingWebApp).toBe(false);
    const response = await fetch(`${harness.url}/`);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({
      code: 'NOT_FOUND',
      error: 'NOT_FOUND',
      message: 'The web app is not built yet; run `npm run build` or `npm start`',
    });
  });
});

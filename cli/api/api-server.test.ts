import { createHash, randomBytes } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningTracker } from '../../signaling-server/app';
import { makeRandomFile } from '../../e2e/test-files';
import { ERRORS, type ErrorCode } from '../../shared/protocol/errors';
import type { NodePeer } from '../node/node-peer';
import { tempDir } from '../test-support/temp-dir';
import { startTestPeer } from '../test-support/test-peers';
import { startTestTracker } from '../test-support/test-tracker';
import { waitFor } from '../test-support/wait-for';
import { startApi, type RunningApi } from './api-server';

let tracker: RunningTracker;
let api: RunningApi;
let server: NodePeer;
let other: NodePeer;
let sharedDir: string;

beforeAll(async () => {
  tracker = await startTestTracker();
  server = await startTestPeer(tracker.url, 'api-peer', { seedsLibrary: true });
  other = await startTestPeer(tracker.url, 'other-peer');
  sharedDir = await tempDir('shoal-api-shared-');
  api = await startApi({ peer: server, sharedDir, host: '127.0.0.1', port: 0, version: '0.1.0', uploadLimits: { fileMaxBytes: 64 * 1024 } });
});
afterAll(async () => {
  await api.close();
  await tracker.close();
});

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function upload(files: Array<{ name: string; bytes: Uint8Array }>, fields: Record<string, string> = {}): Promise<Response> {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  for (const file of files) form.append('files', new Blob([file.bytes as Uint8Array<ArrayBuffer>]), file.name);
  return fetch(`${api.url}/share`, { method: 'POST', body: form });
}

/** Checks the status (also the error table's for the code) and the body; returns the message. */
async function expectError(response: Response, status: number, code: ErrorCode, details?: Record<string, unknown>): Promise<string> {
  expect(response.status).toBe(status);
  expect(ERRORS[code].status).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  const body = (await response.json()) as { message: string; details?: unknown };
  expect(body).toEqual({
    code,
    error: code,
    message: expect.any(String),
    ...(details !== undefined ? { details } : body.details !== undefined ? { details: expect.any(Object) } : {}),
  });
  return body.message;
}

async function filesInSharedDir(): Promise<string[]> {
  return (await readdir(sharedDir)).sort();
}

describe('POST /share', () => {
  it('saves uploaded files into the shared folder and shares them; another peer downloads them byte for byte', async () => {
    const first = randomBytes(20_000);
    const second = randomBytes(30_000);
    const response = await upload([
      { name: 'minutes.txt', bytes: first },
      { name: 'résumé final.pdf', bytes: second },
    ]);
    expect(response.status).toBe(201);
    const { files } = (await response.json()) as { files: Array<{ id: string; name: string; size: number; path: string }> };
    expect(files).toEqual([
      { id: expect.stringMatching(/^[0-9a-f]{64}$/), name: 'minutes.txt', size: 20_000, mimeType: 'text/plain', path: path.join(sharedDir, 'minutes.txt') },
      { id: expect.stringMatching(/^[0-9a-f]{64}$/), name: 'résumé final.pdf', size: 30_000, mimeType: 'application/pdf', path: path.join(sharedDir, 'résumé final.pdf') },
    ]);
    expect(await filesInSharedDir()).toEqual(['minutes.txt', 'résumé final.pdf']);

    const found = await waitFor(async () => (await other.search('résumé'))[0], 'the upload in search results');
    expect(sha256(await readFileOf(await other.download(found).done))).toBe(sha256(second));
  });

  it('never writes outside the shared folder nor over an existing file, whatever the part names say', async () => {
    // Written by hand: FormData would encode or strip these names before they reach the server.
    const boundary = 'shoal-test-boundary';
    const part = (fileName: string): string =>
      `--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="${fileName}"\r\nContent-Type: text/plain\r\n\r\nbytes of ${fileName}\r\n`;
    const body = ['minutes.txt', 'CON', 'tab\there.txt', '..\\..\\windows.ini'].map(part).join('') + `--${boundary}--\r\n`;
    const response = await fetch(`${api.url}/share`, {
      method: 'POST',
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
      body,
    });
    expect(response.status, await response.clone().text()).toBe(201);
    const { files } = (await response.json()) as { files: Array<{ name: string; path: string }> };
    for (const file of files) expect(path.dirname(file.path)).toBe(sharedDir);
    const names = files.map((file) => file.name);
    expect(names).toContain('minutes (1).txt');
    expect(names).toContain('_CON');
    expect(names).toContain('tab_here.txt');
    expect(names.every((name) => !name.startsWith('.') && !/[\\/]/.test(name))).toBe(true);
  });

  it('refuses a request without files, a body that is not multipart, and a file that is too large, leaving nothing on disk', async () => {
    const before = await filesInSharedDir();
    await expectError(await upload([], { note: 'no file here' }), 400, 'BAD_REQUEST');
    await expectError(
      await fetch(`${api.url}/share`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"files":[]}' }),
      400,
      'BAD_REQUEST',
    );
    const message = await expectError(
      await upload([
        { name: 'fine.txt', bytes: randomBytes(100) },
        { name: 'huge.bin', bytes: randomBytes(200 * 1024) },
      ]),
      413,
      'QUOTA_EXCEEDED',
      { fileName: 'huge.bin', limitBytes: 64 * 1024 },
    );
    expect(message).toContain('huge.bin');
    expect(await filesInSharedDir()).toEqual(before);
  });
});

describe('POST /search, GET /download', () => {
  it('searches by keyword (blank lists every file), with or without a trailing slash', async () => {
    const file = await makeRandomFile('search-me please.csv', 5000);
    await other.sharePaths([file.path]);
    const byKeyword = await waitFor(async () => {
      const response = await fetch(`${api.url}/search/`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ keyword: 'PLEASE search' }) });
      const body = (await response.json()) as { total: number; files: Array<Record<string, unknown>> };
      return body.total === 1 && body;
    }, 'the file to be found');
    expect(byKeyword.files[0]).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{64}$/),
      name: 'search-me please.csv',
      size: 5000,
      mimeType: 'text/csv',
      holders: [{ id: other.me?.id, name: 'other-peer' }],
    });
    const all = (await (await fetch(`${api.url}/search`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).json()) as { total: number };
    expect(all.total).toBeGreaterThan(1);
    await expectError(
      await fetch(`${api.url}/search`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"keyword":5}' }),
      400,
      'BAD_REQUEST',
    );
  });

  it('streams a file held elsewhere as an attachment, fetching it from the swarm first', async () => {
    const file = await makeRandomFile('remote report.pdf', 1_300_000);
    const [shared] = await other.sharePaths([file.path]);
    await waitFor(async () => (await server.search('remote report')).length === 1, 'the file on the network');

    const response = await fetch(`${api.url}/download?id=${shared?.contentId}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/pdf');
    expect(response.headers.get('content-disposition')).toBe(`attachment; filename="remote report.pdf"; filename*=UTF-8''remote%20report.pdf`);
    expect(sha256(new Uint8Array(await response.arrayBuffer()))).toBe(file.sha256);

    // Now held here too: by name, straight from disk.
    const byName = await fetch(`${api.url}/download/?filename=${encodeURIComponent('remote report.pdf')}`);
    expect(sha256(new Uint8Array(await byName.arrayBuffer()))).toBe(file.sha256);

    const transfers = (await (await fetch(`${api.url}/transfers`)).json()) as { transfers: Array<Record<string, unknown>> };
    expect(transfers.transfers).toContainEqual(
      expect.objectContaining({
        id: shared?.contentId,
        name: 'remote report.pdf',
        state: 'completed',
        bytesDone: file.size,
        size: file.size,
        path: expect.any(String),
        // Who sent it and how: two peers on one machine reach each other straight.
        connections: [{ peerId: other.me?.id, name: 'other-peer', path: 'direct', rttMs: expect.any(Number) }],
      }),
    );
  });

  it('names the input that is not valid in the error fields', async () => {
    const badKeyword = await fetch(`${api.url}/search`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"keyword":5}' });
    expect(await expectError(badKeyword, 400, 'BAD_REQUEST', { field: 'request body keyword' })).toMatch(/^Invalid request body: keyword — /);
    await expectError(await fetch(`${api.url}/shares/xyz`, { method: 'DELETE' }), 400, 'BAD_REQUEST', { field: 'path id' });
    await expectError(await fetch(`${api.url}/download`), 400, 'BAD_REQUEST', { field: 'query string' });
    await expectError(await fetch(`${api.url}/search`, { method: 'PUT' }), 404, 'NOT_FOUND');
  });

  it('answers 503 NO_HOLDER with the file and the reason as fields when no holder can send the file', async () => {
    // Announces a file it does not hold: it refuses every request for it.
    await other.session.connection.announce([
      { contentId: 'cd'.repeat(32), name: 'phantom.bin', size: 1000, mimeType: 'application/octet-stream', chunkSizeBytes: 256 * 1024 },
    ]);
    const response = await fetch(`${api.url}/download?filename=phantom.bin`);
    const message = await expectError(response, 503, 'NO_HOLDER', {
      fileName: 'phantom.bin',
      reason: expect.stringMatching(/^No peer holding 'phantom\.bin' can send it now \(other-peer [^)]+\)$/),
    });
    expect(message).toMatch(/; the download will resume when one can$/);
    // The download goes on waiting in the background; stop it so later tests see no active transfer.
    server.transfers.get('cd'.repeat(32))?.download.cancel();
  });

  it('answers bad download requests with JSON errors', async () => {
    await expectError(await fetch(`${api.url}/download`), 400, 'BAD_REQUEST');
    await expectError(await fetch(`${api.url}/download?id=${'a'.repeat(64)}&filename=x`), 400, 'BAD_REQUEST');
    await expectError(await fetch(`${api.url}/download?id=not-an-id`), 400, 'BAD_REQUEST');
    await expectError(await fetch(`${api.url}/download?id=${'a'.repeat(64)}`), 404, 'FILE_NOT_FOUND', { contentId: 'a'.repeat(64) });
    await expectError(await fetch(`${api.url}/download?filename=nobody-has-this.txt`), 404, 'FILE_NOT_FOUND', {
      fileName: 'nobody-has-this.txt',
    });
  });
});

describe('GET /shares, DELETE /shares/{id}, GET /peers, GET /health, docs', () => {
  it('lists and withdraws shares', async () => {
    const { files } = (await (await upload([{ name: 'temporary.txt', bytes: randomBytes(99) }])).json()) as { files: Array<{ id: string }> };
    const id = files[0]?.id;
    const listed = (await (await fetch(`${api.url}/shares`)).json()) as { files: Array<{ id: string; name: string }> };
    expect(listed.files.map((file) => file.name)).toContain('temporary.txt');

    expect((await fetch(`${api.url}/shares/${id}`, { method: 'DELETE' })).status).toBe(204);
    await waitFor(async () => (await other.search('temporary')).length === 0, 'the withdrawn file to leave the index');
    expect(await filesInSharedDir()).toContain('temporary.txt');
    await expectError(await fetch(`${api.url}/shares/${id}`, { method: 'DELETE' }), 404, 'FILE_NOT_FOUND', { contentId: id });
    await expectError(await fetch(`${api.url}/shares/xyz`, { method: 'DELETE' }), 400, 'BAD_REQUEST');
  });

  it('lists peers and reports health', async () => {
    const peers = (await (await fetch(`${api.url}/peers`)).json()) as { peers: Array<Record<string, unknown>> };
    expect(peers.peers).toContainEqual({ id: other.me?.id, name: 'other-peer', files: expect.any(Number), fingerprint: other.me?.fingerprint });
    expect(peers.peers.some((peer) => peer.name === 'api-peer')).toBe(false);
    const health = await (await fetch(`${api.url}/health/`)).json();
    expect(health).toEqual({
      status: 'ok',
      online: true,
      peer: { id: server.me?.id, name: 'api-peer', fingerprint: server.me?.fingerprint },
      tracker: tracker.url,
      shares: expect.any(Number),
      activeTransfers: 0,
    });
  });

  it('documents every endpoint in /openapi.json and serves interactive docs at /docs', async () => {
    const document = (await (await fetch(`${api.url}/openapi.json`)).json()) as {
      openapi: string;
      paths: Record<string, Record<string, Record<string, unknown>>>;
    };
    expect(document.openapi).toMatch(/^3\./);
    expect(Object.keys(document.paths).sort()).toEqual(['/download', '/health', '/peers', '/search', '/share', '/shares', '/shares/{id}', '/transfers']);
    expect(Object.keys(document.paths['/share']?.['post']?.['requestBody'] as object)).toContain('content');
    expect(JSON.stringify(document.paths['/share'])).toContain('multipart/form-data');
    const docs = await fetch(`${api.url}/docs/`);
    expect(docs.status).toBe(200);
    expect(await docs.text()).toContain('swagger');
    await expectError(await fetch(`${api.url}/no-such-route`), 404, 'NOT_FOUND');
  });
});

async function readFileOf(filePath: string): Promise<Buffer> {
  const { readFile } = await import('node:fs/promises');
  return readFile(filePath);
}

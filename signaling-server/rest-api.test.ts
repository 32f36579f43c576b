import { describe, expect, it } from 'vitest';
import { QUERY_MAX_CHARS, SEARCH_MAX_LIMIT } from '../shared/protocol';
import { fileNamed } from './test-support/fixtures';
import { useTracker } from './test-support/tracker-harness';
import type { JoinedPeer } from './test-support/tracker-harness';

interface JsonResponse {
  status: number;
  contentType: string | null;
  body: unknown;
}

describe('REST API', () => {
  const harness = useTracker();

  async function get(path: string, init?: RequestInit): Promise<JsonResponse> {
    const response = await fetch(`${harness.url}${path}`, init);
    const text = await response.text();
    return { status: response.status, contentType: response.headers.get('content-type'), body: JSON.parse(text) };
  }

  async function share(peer: JoinedPeer, ...files: ReturnType<typeof fileNamed>[]): Promise<void> {
    expect(await peer.socket.emitWithAck('announce', { files })).toEqual({ ok: true });
  }

  it('reports health with peer and file counts and uptime', async () => {
    expect(await get('/api/health')).toEqual({
      status: 200,
      contentType: expect.stringContaining('application/json'),
      body: { status: 'ok', peers: 0, files: 0, uptimeSeconds: expect.any(Number) },
    });

    const [ana, bo] = [await harness.join('Ana'), await harness.join('Bo')];
    const shared = fileNamed('shared.iso');
    await share(ana, shared, fileNamed('a.txt'));
    await share(bo, shared);
    expect((await get('/api/health')).body).toMatchObject({ status: 'ok', peers: 2, files: 2 });
  });

  it('lists online peers with how many files each shares', async () => {
    const ana = await harness.join('Ana');
    const bo = await harness.join('Bo');
    await share(bo, fileNamed('1'), fileNamed('2'));
    expect((await get('/api/peers')).body).toEqual({
      peers: [ana.summary(0), bo.summary(2)],
    });
  });

  it('searches files, grouped by content id with the peers holding each', async () => {
    const ana = await harness.join('Ana');
    const bo = await harness.join('Bo');
    const movie = fileNamed('Big Buck Bunny.mp4', { mimeType: 'video/mp4', size: 123_456 });
    await share(ana, movie, fileNamed('notes.txt'));
    await share(bo, { ...movie, name: 'bunny.mp4' });

    expect((await get('/api/files?q=BUNNY%20mp4')).body).toEqual({
      files: [
        {
          id: movie.contentId,
          name: 'Big Buck Bunny.mp4',
          size: 123_456,
          mimeType: 'video/mp4',
          holders: [
            { id: ana.id, name: 'Ana' },
            { id: bo.id, name: 'Bo' },
          ],
          // The deprecated alias, kept for one release.
          peers: [
            { id: ana.id, name: 'Ana' },
            { id: bo.id, name: 'Bo' },
          ],
        },
      ],
      total: 1,
    });
    expect((await get('/api/files')).body).toMatchObject({ total: 2 });
    expect((await get('/api/files?q=')).body).toMatchObject({ total: 2 });
  });

  it('pages file results with limit and offset', async () => {
    const ana = await harness.join('Ana');
    await share(ana, ...['a', 'b', 'c', 'd', 'e'].map((name) => fileNamed(`${name}.bin`)));
    const page = (await get('/api/files?limit=2&offset=3')).body as { files: Array<{ name: string }>; total: number };
    expect(page.total).toBe(5);
    expect(page.files.map((file) => file.name)).toEqual(['d.bin', 'e.bin']);
  });

  it.each([
    ['limit=0', 'limit must be at least 1', 'limit'],
    ['limit=ten', 'limit must be a whole number', 'limit'],
    [`limit=${SEARCH_MAX_LIMIT + 1}`, `limit must be at most ${SEARCH_MAX_LIMIT}`, 'limit'],
    ['offset=-1', 'offset must be a whole number', 'offset'],
    [`q=${'x'.repeat(QUERY_MAX_CHARS + 1)}`, `q has at most ${QUERY_MAX_CHARS} characters`, 'q'],
    ['q=a&q=b', 'Invalid query string: q', 'q'],
  ])('answers a bad query string (%s) with a 400 JSON error naming the field', async (query, message, field) => {
    expect(await get(`/api/files?${query}`)).toEqual({
      status: 400,
      contentType: expect.stringContaining('application/json'),
      body: {
        code: 'BAD_REQUEST',
        error: 'BAD_REQUEST',
        message: expect.stringContaining(message),
        details: { field: `query string ${field}` },
      },
    });
  });

  it('answers an unknown API path or method with a 404 JSON error', async () => {
    for (const [path, init] of [['/api/nope', undefined], ['/api', undefined], ['/api/health', { method: 'POST' }]] as const) {
      expect(await get(path, init)).toEqual({
        status: 404,
        contentType: expect.stringContaining('application/json'),
        body: { code: 'NOT_FOUND', error: 'NOT_FOUND', message: expect.stringContaining('No API endpoint') },
      });
    }
  });
});

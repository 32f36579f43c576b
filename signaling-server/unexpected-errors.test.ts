import { describe, expect, it } from 'vitest';
import { MemoryStore } from './store/memory-store';
import type { SearchPage } from './store/tracker-store';
import type { TrackerLog } from './socket-types';
import { fileNamed } from './test-support/fixtures';
import { useTracker } from './test-support/tracker-harness';

/** A store whose search breaks the way a lost database connection would. */
class BrokenSearchStore extends MemoryStore {
  override async search(): Promise<SearchPage> {
    throw new Error('connection to the index lost at 10.0.0.9:6379');
  }
}

const logged: string[] = [];
const log: TrackerLog = { info: () => undefined, error: (message) => logged.push(message) };

describe('unexpected failures inside the tracker', () => {
  const harness = useTracker(() => ({ store: new BrokenSearchStore(), log }));

  it('answers a socket request with INTERNAL and no internals, logs it, and keeps serving', async () => {
    const ana = await harness.join('Ana');
    expect(await ana.socket.emitWithAck('search', { query: '' })).toEqual({
      ok: false,
      error: { code: 'INTERNAL', message: 'The tracker hit an unexpected error; please try again' },
    });
    expect(logged).toContain("Unexpected error handling 'search'");
    expect(await ana.socket.emitWithAck('announce', { files: [fileNamed('still.txt')] })).toEqual({ ok: true });
  });

  it('answers a REST request with a 500 JSON error and no internals', async () => {
    const response = await fetch(`${harness.url}/api/files`);
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({
      code: 'INTERNAL',
      error: 'INTERNAL',
      message: 'The tracker hit an unexpected error; please try again',
    });
    expect(logged).toContain('GET /api/files failed');
  });
});

describe('the per-peer file limit', () => {
  const harness = useTracker(() => ({ store: new MemoryStore({ maxFilesPerPeer: 2 }) }));

  it('refuses an announce past the limit with QUOTA_EXCEEDED and keeps the earlier files', async () => {
    const ana = await harness.join('Ana');
    expect(await ana.socket.emitWithAck('announce', { files: [fileNamed('1'), fileNamed('2')] })).toEqual({ ok: true });
    expect(await ana.socket.emitWithAck('announce', { files: [fileNamed('3')] })).toEqual({
      ok: false,
      error: { code: 'QUOTA_EXCEEDED', message: 'A peer can share at most 2 files at once (you share 2); withdraw some first' },
    });
    expect(await ana.socket.emitWithAck('search', { query: '' })).toMatchObject({ ok: true, total: 2 });
  });
});

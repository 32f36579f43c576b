/**
 * Staging in IndexedDB: the chunks of a file being shared are written under a staging id as they
 * are hashed; committing writes the redirect from the content id to them (idb-chunk-layout.ts says
 * why), one small record, in the transaction that drops what the content id held before. A staging
 * a crash or a reload left open is removed by `removeAbandonedStagings`: each open staging holds a
 * Web Lock for as long as it runs (released by the browser when its tab dies), so one whose lock
 * is free is abandoned. Pages without Web Locks (plain http) remove only stagings a day old.
 */
import { promisifyRequest, type UseStore } from 'idb-keyval';
import type { StagedChunks } from '../../shared/engine';
import type { ChunkWrites } from './idb-chunk-writes';
import {
  allStagingKeys,
  everythingUnder,
  fileKeyOf,
  newStagingId,
  openStagingMarkerKey,
  redirectKey,
  type OpenStagingMarker,
  type Redirect,
} from './idb-chunk-layout';

/** Without Web Locks, an open staging this old is taken as abandoned: no share takes a day. */
const STAGING_ABANDONED_AFTER_MS = 24 * 60 * 60 * 1000;

const LOCK_PREFIX = 'shoal-staging:';

export async function startStaging(chunks: UseStore, writes: ChunkWrites): Promise<StagedChunks> {
  const stagingId = newStagingId();
  const releaseLock = await holdLock(LOCK_PREFIX + stagingId);
  try {
    const marker: OpenStagingMarker = { startedAtMs: Date.now() };
    await chunks('readwrite', (store) => {
      store.put(marker, openStagingMarkerKey(stagingId));
      return promisifyRequest(store.transaction);
    });
  } catch (error) {
    releaseLock();
    throw error;
  }
  let isOver = false;
  const end = (): void => {
    isOver = true;
    releaseLock();
  };
  const ensureOpen = (): void => {
    if (isOver) throw new Error('This staging has ended');
  };
  return {
    putChunk: async (index, bytes) => {
      ensureOpen();
      await writes.put({ stagingId }, index, bytes);
    },
    commit: async (contentId) => {
      ensureOpen();
      let wasRemoved = false;
      await chunks('readwrite', (store) => {
        const marker = store.get(openStagingMarkerKey(stagingId));
        const previous = store.get(redirectKey(contentId));
        previous.onsuccess = () => {
          // Another tab took this staging for abandoned (possible only without Web Locks): commit nothing.
          if (marker.result === undefined) {
            wasRemoved = true;
            return;
          }
          const previousKey = fileKeyOf(contentId, previous.result);
          // The content id's own chunks (a download's) and its redirect, then a staging it led to.
          store.delete(everythingUnder(contentId));
          if (previousKey !== contentId) store.delete(everythingUnder(previousKey));
          store.delete(openStagingMarkerKey(stagingId));
          const redirect: Redirect = { chunksUnder: stagingId };
          store.put(redirect, redirectKey(contentId));
        };
        return promisifyRequest(store.transaction);
      });
      if (wasRemoved) throw new Error('The staged chunks were removed before the share finished; share the file again');
      end();
    },
    discard: async () => {
      if (isOver) return;
      await chunks('readwrite', (store) => {
        store.delete(everythingUnder(stagingId));
        return promisifyRequest(store.transaction);
      });
      end();
    },
  };
}

/** Removes the chunks of every staging left open by a share that died; resolves with how many. */
export async function removeAbandonedStagings(chunks: UseStore): Promise<number> {
  const open = await openStagingIds(chunks);
  if (open.length === 0) return 0;
  const running = await runningStagingLocks();
  const abandoned = running === undefined ? await stagedLongAgo(chunks, open) : open.filter((id) => !running.has(LOCK_PREFIX + id));
  for (const stagingId of abandoned) {
    await chunks('readwrite', (store) => {
      // Still open? A staging committed since it was listed keeps its chunks.
      const marker = store.get(openStagingMarkerKey(stagingId));
      marker.onsuccess = () => {
        if (marker.result !== undefined) store.delete(everythingUnder(stagingId));
      };
      return promisifyRequest(store.transaction);
    });
  }
  return abandoned.length;
}

/** The open stagings, found by their markers: a key cursor jumps over each staging's chunks. */
async function openStagingIds(chunks: UseStore): Promise<string[]> {
  const found: string[] = [];
  await chunks('readonly', (store) => {
    const cursor = store.openKeyCursor(allStagingKeys());
    cursor.onsuccess = () => {
      const at = cursor.result;
      if (at === null) return;
      const [stagingId, second] = at.key as [string, number | string];
      if (second === 'open') {
        found.push(stagingId);
        at.continue();
      } else {
        // A chunk: on to the staging's marker, or past where it would be to the next staging.
        at.continue(openStagingMarkerKey(stagingId));
      }
    };
    return promisifyRequest(store.transaction);
  });
  return found;
}

async function stagedLongAgo(chunks: UseStore, stagingIds: string[]): Promise<string[]> {
  const markers = await chunks('readonly', (store) =>
    Promise.all(stagingIds.map((id) => promisifyRequest(store.get(openStagingMarkerKey(id)) as IDBRequest<OpenStagingMarker | undefined>))),
  );
  const nowMs = Date.now();
  return stagingIds.filter((_, index) => {
    const startedAtMs = markers[index]?.startedAtMs;
    return typeof startedAtMs === 'number' && nowMs - startedAtMs > STAGING_ABANDONED_AFTER_MS;
  });
}

/** Holds a Web Lock until the returned function is called; a no-op where Web Locks are missing. */
async function holdLock(name: string): Promise<() => void> {
  const locks = typeof navigator === 'undefined' ? undefined : navigator.locks;
  if (locks === undefined) return () => {};
  return new Promise((acquired) => {
    locks
      .request(name, () => new Promise<void>((release) => acquired(release)))
      // Refused (a sandboxed frame): stage without a lock, as where Web Locks are missing.
      .catch(() => acquired(() => {}));
  });
}

/** Names of the staging locks held now, in any tab; undefined where Web Locks are missing. */
async function runningStagingLocks(): Promise<Set<string> | undefined> {
  const locks = typeof navigator === 'undefined' ? undefined : navigator.locks;
  if (locks === undefined) return undefined;
  const snapshot = await locks.query();
  return new Set((snapshot.held ?? []).map((lock) => lock.name ?? '').filter((name) => name.startsWith(LOCK_PREFIX)));
}

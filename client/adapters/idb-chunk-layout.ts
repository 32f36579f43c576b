/**
 * How IdbChunkStore lays out its chunks object store. A chunk is a Blob under [fileKey, index]. The
 * fileKey of a downloaded file is its content id. A shared file's chunks stay where they were staged
 * while it was hashed, under a staging id, and a redirect [contentId] -> { chunksUnder: stagingId }
 * leads there: committing a share writes one small record instead of copying every chunk. An open
 * (not yet committed) staging has a marker [stagingId, 'open'], so one a crash left is found and
 * removed. IndexedDB orders numbers before strings and a shorter array before a longer one with
 * the same start, so [id] < [id, 0 .. n] < [id, 'open'] and the ranges below never overlap.
 */

export type ChunkKey = [fileKey: string, index: number];

/** Staging ids start with this; content ids are 64 hex digits, so the two never meet. */
export const STAGING_ID_PREFIX = 'staged:';

/** Every key under every staging id. */
export function allStagingKeys(): IDBKeyRange {
  return IDBKeyRange.bound([STAGING_ID_PREFIX], [`${STAGING_ID_PREFIX}\uffff`]);
}

/** Random, and unguessable by another tab: crypto.randomUUID is missing on plain-http pages. */
export function newStagingId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return STAGING_ID_PREFIX + Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

export function redirectKey(contentId: string): [string] {
  return [contentId];
}

export function openStagingMarkerKey(stagingId: string): [string, string] {
  return [stagingId, 'open'];
}

export interface Redirect {
  chunksUnder: string;
}

export interface OpenStagingMarker {
  startedAtMs: number;
}

/** Every chunk key of one fileKey: [id, 0]..[id, +Infinity]. */
export function chunkRangeOf(fileKey: string): IDBKeyRange {
  return IDBKeyRange.bound([fileKey, 0], [fileKey, Number.POSITIVE_INFINITY]);
}

/** Every key of one fileKey: its redirect, its chunks and its marker ([] sorts after any string). */
export function everythingUnder(fileKey: string): IDBKeyRange {
  return IDBKeyRange.bound([fileKey], [fileKey, []]);
}

/** Where a content id's chunks are, given what is stored at its redirect key. */
export function fileKeyOf(contentId: string, redirect: unknown): string {
  const chunksUnder = (redirect as Partial<Redirect> | undefined)?.chunksUnder;
  return typeof chunksUnder === 'string' && chunksUnder.startsWith(STAGING_ID_PREFIX) ? chunksUnder : contentId;
}

/**
 * Runs `then` with the fileKey of `contentId`'s chunks, in the transaction `store` belongs to, and
 * resolves with its request's result: the redirect is read in the same transaction, so a commit or a
 * delete in another tab cannot come between.
 */
export function withFileKey<T>(
  store: IDBObjectStore,
  contentId: string,
  then: (fileKey: string) => IDBRequest<T>,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const redirect = store.get(redirectKey(contentId));
    redirect.onerror = () => reject(redirect.error);
    redirect.onsuccess = () => {
      const request = then(fileKeyOf(contentId, redirect.result));
      request.onerror = () => reject(request.error);
      request.onsuccess = () => resolve(request.result);
    };
  });
}

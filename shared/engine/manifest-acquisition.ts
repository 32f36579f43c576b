/**
 * How a download gets its manifest: the stored one when resuming (if it still matches the content
 * id), else one fetched from a holder and recorded at once, so peers can ask us for the chunks we
 * get. While nobody can send it, it says why and asks again every so often; it gives up only when
 * every holder describes a different file than the content id names.
 */
import { verifyManifest } from '../content/manifest';
import { asShoalError, ShoalError } from '../protocol/errors';
import type { Manifest } from '../protocol/peer-messages';
import type { Holder } from '../protocol/tracker-messages';
import type { ChunkStore, FileRecord } from './chunk-store';
import { cancelledError } from './download-report';
import type { HolderFailures } from './holder-failures';
import type { LinkSource } from './link-pool';
import { fetchVerifiedManifest } from './manifest-fetch';

export interface ManifestAcquisitionOptions {
  contentId: string;
  fileName: string;
  mimeType: string;
  holders: () => Promise<Holder[]>;
  pool: LinkSource;
  store: ChunkStore;
  failures: HolderFailures;
  now: () => number;
  retryIntervalMs: number;
  /** True once the download was cancelled (or otherwise ended): then this rejects with CANCELLED. */
  isCancelled: () => boolean;
  /** Resolves when the download is not paused (at once if it is not). */
  untilResumed: () => Promise<void>;
  /** A pause between attempts; resuming or cancelling may end it early. */
  sleep: (ms: number) => Promise<void>;
  onWaitingChanged: (reason: ShoalError | undefined) => void;
}

export interface AcquiredManifest {
  manifest: Manifest;
  /** Holders known to have the file; empty when the manifest came from the store. */
  initialHolders: Holder[];
}

export async function acquireManifest(options: ManifestAcquisitionOptions): Promise<AcquiredManifest> {
  const { store, contentId } = options;
  const stored = await store.getFile(contentId);
  if (stored !== undefined) {
    const isIntact = await verifyManifest(contentId, stored.manifest).then(() => true, () => false);
    if (isIntact) return { manifest: stored.manifest, initialHolders: [] };
    await store.deleteFile(contentId); // a damaged record cannot be trusted, nor its chunks
  }
  for (;;) {
    throwIfCancelled(options);
    await options.untilResumed();
    let found: Awaited<ReturnType<typeof fetchVerifiedManifest>>;
    try {
      found = await fetchVerifiedManifest({
        contentId,
        fileName: options.fileName,
        holders: options.holders,
        pool: options.pool,
        failures: options.failures,
        isCancelled: options.isCancelled,
        now: options.now,
      });
    } catch (error) {
      throwIfCancelled(options);
      const cause = asShoalError(error, 'NO_HOLDER');
      options.onWaitingChanged(new ShoalError(cause.code, `${cause.message}; the download will try again shortly`));
      await options.sleep(options.retryIntervalMs);
      continue;
    }
    throwIfCancelled(options);
    const { manifest, listed } = found;
    if (manifest !== undefined) {
      options.onWaitingChanged(undefined);
      const record: FileRecord = { contentId, name: options.fileName, mimeType: options.mimeType, manifest, addedAtMs: options.now() };
      await store.putFile(record);
      return { manifest, initialHolders: listed };
    }
    const mismatch = options.failures.mismatchError(options.fileName, listed);
    if (mismatch !== undefined) throw mismatch;
    options.onWaitingChanged(options.failures.waitingReason(options.fileName));
    await options.sleep(options.retryIntervalMs);
  }
}

function throwIfCancelled(options: ManifestAcquisitionOptions): void {
  if (options.isCancelled()) throw cancelledError(options.fileName);
}

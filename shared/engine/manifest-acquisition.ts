/**
 * How a download gets its manifest: the stored one when resuming (if it still matches the content
 * id), else one fetched from a holder and recorded at once, so peers can ask us for the chunks we
 * get. While nobody can send it, it says why and asks again every so often; it gives up only when
 * every holder describes a different file than the content id names.
 */
import { verifyManifest } from '../content/manifest';
import { asShoalError, errorWithOutlook, type ShoalError } from '../protocol/errors';
import type { Manifest } from '../protocol/peer-messages';
import type { Holder } from '../protocol/tracker-messages';
import type { ChunkStore, FileRecord } from './chunk-store';
import type { Clock } from './clock';
import { cancelledError } from './download-report';
import type { HolderFailures } from './holder-failures';
import type { LinkSource } from './link-pool';
import { fetchVerifiedManifest } from './manifest-fetch';
import type { PauseGate } from './pause-gate';

export interface ManifestAcquisitionOptions {
  contentId: string;
  fileName: string;
  mimeType: string;
  holders: (signal: AbortSignal) => Promise<Holder[]>;
  pool: LinkSource;
  store: ChunkStore;
  failures: HolderFailures;
  clock: Clock;
  retryIntervalMs: number;
  /** Aborts once the download was cancelled (or otherwise ended): then this rejects with CANCELLED. */
  signal: AbortSignal;
  /** Closed while the download is paused: no attempt starts then, and resuming ends a rest early. */
  gate: PauseGate;
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
    await options.gate.untilOpen(options.signal);
    let found: Awaited<ReturnType<typeof fetchVerifiedManifest>>;
    try {
      found = await fetchVerifiedManifest({
        contentId,
        fileName: options.fileName,
        holders: options.holders,
        pool: options.pool,
        failures: options.failures,
        signal: options.signal,
        clock: options.clock,
      });
    } catch (error) {
      throwIfCancelled(options);
      const cause = asShoalError(error, 'NO_HOLDER');
      options.onWaitingChanged(errorWithOutlook(cause.code, cause.details.reason ?? cause.message, 'the download will try again shortly', { ...cause.details, fileName: options.fileName }));
      await options.gate.rest(options.retryIntervalMs, options.clock, options.signal);
      continue;
    }
    throwIfCancelled(options);
    const { manifest, listed } = found;
    if (manifest !== undefined) {
      options.onWaitingChanged(undefined);
      const record: FileRecord = { contentId, name: options.fileName, mimeType: options.mimeType, manifest, addedAtMs: options.clock.now() };
      await store.putFile(record);
      return { manifest, initialHolders: listed };
    }
    const mismatch = options.failures.mismatchError(options.fileName, listed);
    if (mismatch !== undefined) throw mismatch;
    options.onWaitingChanged(options.failures.waitingReason(options.fileName));
    await options.gate.rest(options.retryIntervalMs, options.clock, options.signal);
  }
}

function throwIfCancelled(options: ManifestAcquisitionOptions): void {
  if (options.signal.aborted) throw cancelledError(options.fileName);
}

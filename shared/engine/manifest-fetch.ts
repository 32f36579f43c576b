/**
 * Gets a file's manifest from its holders, one after another, and checks it against the content id.
 * A holder that cannot be reached, stops answering or sends a wrong manifest is skipped, with the
 * reason kept; when the list runs out it is asked for again while that turns up holders to try.
 */
import { verifyManifest } from '../content/manifest';
import { asShoalError, ShoalError } from '../protocol/errors';
import type { Manifest } from '../protocol/peer-messages';
import type { Holder } from '../protocol/tracker-messages';
import type { Clock } from './clock';
import type { HolderFailures } from './holder-failures';
import type { LinkSource } from './link-pool';

export interface ManifestFetchOptions {
  contentId: string;
  fileName: string;
  holders: (signal: AbortSignal) => Promise<Holder[]>;
  pool: LinkSource;
  failures: HolderFailures;
  /** Checked between attempts; a cancelled download stops trying. */
  signal: AbortSignal;
  clock: Clock;
}

export interface ManifestFetchResult {
  /** Undefined when no listed holder could send a manifest that matches. */
  manifest: Manifest | undefined;
  /** The latest holder list, the manifest's sender first. */
  listed: Holder[];
}

/** Rejects only when the holder list cannot be had (tracker unreachable) or the download was cancelled. */
export async function fetchVerifiedManifest(options: ManifestFetchOptions): Promise<ManifestFetchResult> {
  const tried = new Set<string>();
  for (;;) {
    const listed = await queryHolders(options);
    const nowMs = options.clock.now();
    const candidates = listed.filter((holder) => !tried.has(holder.id) && options.failures.canTry(holder.id, nowMs));
    if (candidates.length === 0) return { manifest: undefined, listed };
    for (const holder of candidates) {
      tried.add(holder.id);
      if (options.signal.aborted) throw new ShoalError('CANCELLED', 'The download was cancelled');
      try {
        const link = await options.pool.linkTo(holder.id);
        const manifest = await link.requestManifest(options.contentId);
        await verifyManifest(options.contentId, manifest);
        options.failures.forget(holder.id);
        return { manifest, listed: [holder, ...listed.filter((other) => other.id !== holder.id)] };
      } catch (error) {
        options.failures.record(holder, error, options.clock.now());
      }
    }
  }
}

/** The current holders, without duplicates. A failed query (tracker unreachable) fails with its reason. */
export async function queryHolders(options: Pick<ManifestFetchOptions, 'holders' | 'fileName' | 'signal'>): Promise<Holder[]> {
  let listed: Holder[];
  try {
    listed = await options.holders(options.signal);
  } catch (error) {
    const cause = asShoalError(error, 'NO_HOLDER');
    throw new ShoalError(cause.code, `Could not find who holds '${options.fileName}': ${cause.message}`);
  }
  const seen = new Set<string>();
  return listed.filter((holder) => !seen.has(holder.id) && seen.add(holder.id));
}

/**
 * Gets a file's manifest from its holders, one after another, and checks it against the content id.
 * A holder that cannot be reached, stops answering or sends a wrong manifest is skipped, with the
 * reason kept; when the list runs out it is asked for again, for holders not tried yet.
 */
import { verifyManifest } from '../content/manifest';
import { asShoalError, ShoalError } from '../protocol/errors';
import type { Manifest } from '../protocol/peer-messages';
import type { Holder } from '../protocol/tracker-messages';
import type { HolderFailures } from './holder-failures';
import type { LinkSource } from './link-pool';

export interface ManifestFetchOptions {
  contentId: string;
  fileName: string;
  holders: () => Promise<Holder[]>;
  pool: LinkSource;
  failures: HolderFailures;
  /** Checked between attempts; a cancelled download stops trying. */
  isCancelled: () => boolean;
}

export interface FetchedManifest {
  manifest: Manifest;
  /** Holders from the latest list that have not failed, the manifest's sender first. */
  holders: Holder[];
}

export async function fetchVerifiedManifest(options: ManifestFetchOptions): Promise<FetchedManifest> {
  for (;;) {
    const untried = (await queryHolders(options)).filter((holder) => !options.failures.has(holder.id));
    if (untried.length === 0) throw options.failures.toError(options.fileName);
    for (const [position, holder] of untried.entries()) {
      if (options.isCancelled()) throw new ShoalError('CANCELLED', 'The download was cancelled');
      try {
        const link = await options.pool.linkTo(holder.id);
        const manifest = await link.requestManifest(options.contentId);
        await verifyManifest(options.contentId, manifest);
        return { manifest, holders: untried.slice(position) };
      } catch (error) {
        options.failures.record(holder, error);
      }
    }
  }
}

/** The current holders, without duplicates. A failed query (tracker unreachable) fails with its reason. */
export async function queryHolders(options: Pick<ManifestFetchOptions, 'holders' | 'fileName'>): Promise<Holder[]> {
  let listed: Holder[];
  try {
    listed = await options.holders();
  } catch (error) {
    const cause = asShoalError(error, 'NO_HOLDER');
    throw new ShoalError(cause.code, `Could not find who holds '${options.fileName}': ${cause.message}`);
  }
  const seen = new Set<string>();
  return listed.filter((holder) => !seen.has(holder.id) && seen.add(holder.id));
}

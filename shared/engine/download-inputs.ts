/** What a download is given: the file as described to it, what the host supplies, and how to cancel it. */
import type { Holder } from '../protocol/tracker-messages';
import type { ComponentLogger } from '../logging/logger';
import type { ChunkStore } from './chunk-store';
import type { Clock } from './clock';
import type { LinkSource } from './link-pool';

/** What is being downloaded, as the tracker or a link described it. */
export interface DownloadFile {
  contentId: string;
  name: string;
  /** As announced; the verified manifest has the final word. */
  size: number;
  mimeType: string;
}

/** What a download works with, supplied by the host. */
export interface DownloadDeps {
  /** Who holds the file now, completely or in part; asked again every so often. Must not list this
   * peer itself. The signal aborts when the download ends, so a query may stop early. */
  holders: (signal: AbortSignal) => Promise<Holder[]>;
  pool: LinkSource;
  store: ChunkStore;
  /** Every wait and timestamp of the download: `realClock` in hosts. */
  clock: Clock;
  /** Where the download says what it handled quietly; silent when absent. */
  logger?: ComponentLogger;
}

export interface CancelOptions {
  /** Also delete the file's record and every chunk stored so far. */
  discard?: boolean;
}

/**
 * The file a link names (`#/file/<contentId>/<name>`), read from the page's address: what the
 * tracker's index says of it (name, size, type, who holds it besides us), looked up again every few
 * seconds while the link view is open, so a holder appearing makes "Download" available.
 */
import type { PeerNode } from '../../shared/node/peer-node';
import { asShoalError } from '../../shared/protocol/errors';
import { isFileLinkFragment, parseFileLinkFragment, type FileLink } from '../../shared/protocol/file-link';
import type { SearchResult } from '../../shared/protocol/tracker-messages';

/** How often an open link asks the tracker who holds its file: soon enough that a holder appearing
 * shows within a moment, one cheap request per tick (the tracker allows 20 holder lookups a second). */
const LOOKUP_INTERVAL_MS = 2_000;

export class LinkedFile {
  /** The link in the address bar, when it is a well-formed one. */
  link = $state<FileLink | undefined>(undefined);
  /** Why the link in the address bar could not be read. */
  linkError = $state<string | undefined>(undefined);
  /** The file as the index knows it: undefined before the first answer, null when nobody holds it. */
  found = $state<SearchResult | null | undefined>(undefined);
  lookupError = $state<string | undefined>(undefined);

  private readonly node: PeerNode<undefined>;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private isJoined = false;
  /** Numbers each round of lookups: an answer from a stopped round (an earlier link, a lookup
   * started again) is dropped, and only the latest round schedules the next lookup. */
  private lookupSerial = 0;

  constructor(node: PeerNode<undefined>) {
    this.node = node;
    this.readAddress();
    window.addEventListener('hashchange', () => this.readAddress());
    node.on('session', ({ me }) => {
      const wasJoined = this.isJoined;
      this.isJoined = me !== undefined;
      if (this.isJoined && !wasJoined) this.lookUpNow();
      if (!this.isJoined) this.stopLookups();
    });
  }

  get isOpen(): boolean {
    return this.link !== undefined || this.linkError !== undefined;
  }

  /** Back to the main view: the link leaves the address (Back in the browser returns to it). */
  close(): void {
    history.pushState(null, '', `${location.pathname}${location.search}`);
    this.show(undefined, undefined);
  }

  private readAddress(): void {
    const hash = location.hash;
    if (!isFileLinkFragment(hash)) {
      this.show(undefined, undefined);
      return;
    }
    try {
      this.show(parseFileLinkFragment(hash), undefined);
    } catch (error) {
      this.show(undefined, asShoalError(error).message);
    }
  }

  private show(link: FileLink | undefined, linkError: string | undefined): void {
    const isSameFile = link !== undefined && link.contentId === this.link?.contentId;
    this.link = link;
    this.linkError = linkError;
    if (isSameFile) return;
    this.found = undefined;
    this.lookupError = undefined;
    this.stopLookups();
    if (link !== undefined && this.isJoined) this.lookUpNow();
  }

  private lookUpNow(): void {
    this.stopLookups();
    const link = this.link;
    if (link === undefined || !this.isJoined) return;
    const serial = this.lookupSerial;
    void this.node
      .heldFile(link.contentId)
      .then(
        (file) => {
          if (serial !== this.lookupSerial) return;
          this.found = file;
          this.lookupError = undefined;
        },
        (error: unknown) => {
          if (serial !== this.lookupSerial) return;
          this.lookupError = asShoalError(error).message;
        },
      )
      .finally(() => {
        if (serial === this.lookupSerial && this.isJoined && this.link !== undefined) {
          this.timer = setTimeout(() => this.lookUpNow(), LOOKUP_INTERVAL_MS);
        }
      });
  }

  private stopLookups(): void {
    this.lookupSerial += 1;
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}

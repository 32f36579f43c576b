/**
 * The have-handshake with one holder: ask which chunks of the file it has (it may still be
 * downloading), and hear of each chunk it stores afterwards. A chunk announced while the bitfield
 * is on its way counts too, so nothing the holder gains in between is missed.
 */
import { decodeHaveBitfield } from '../protocol/peer-messages';
import type { PeerLink } from './peer-link';

export class HaveHandshake {
  /** Chunks announced before the bitfield arrived; undefined once it has. */
  private early: number[] | undefined = [];
  private readonly stopListening: () => void;

  constructor(
    private readonly link: PeerLink,
    private readonly contentId: string,
    private readonly chunkTotal: number,
    /** A chunk the holder stored after telling us what it had. */
    onGained: (index: number) => void,
  ) {
    this.stopListening = link.onHaveChunk((announcedId, index) => {
      if (announcedId !== contentId || index >= chunkTotal) return;
      if (this.early !== undefined) this.early.push(index);
      else onGained(index);
    });
  }

  /** Asks the holder which chunks it has (a have-bitfield); rejects when it cannot answer. */
  ask(): Promise<string> {
    return this.link.requestHave(this.contentId);
  }

  /** The chunks the answer lists plus those announced while it was on its way. From this call on
   * each newly stored chunk goes to `onGained`, so call it in the same turn the answer arrives. */
  accept(bitfield: string): number[] {
    const held = [...decodeHaveBitfield(bitfield, this.chunkTotal), ...(this.early ?? [])];
    this.early = undefined;
    return held;
  }

  stop(): void {
    this.stopListening();
  }
}

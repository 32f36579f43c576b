/** Upload and download limits in KiB/s (0 = unlimited): the peer node applies and remembers them. */
import type { PeerNode } from '../../shared/node/peer-node';

export class RateLimits {
  uploadKiBps = $state(0);
  downloadKiBps = $state(0);

  private readonly node: PeerNode<undefined>;

  constructor(node: PeerNode<undefined>) {
    this.node = node;
    node.on('limits', (limits) => {
      this.uploadKiBps = limits.uploadKiBps;
      this.downloadKiBps = limits.downloadKiBps;
    });
  }

  setUpload(kiBps: number): void {
    void this.node.setLimits({ uploadKiBps: kiBps });
  }

  setDownload(kiBps: number): void {
    void this.node.setLimits({ downloadKiBps: kiBps });
  }
}

/** `shoal peers`: who else is online, with how many files each shares and its key fingerprint. */
import type { Command } from 'commander';
import type { PeerSummary } from '../../shared/protocol/tracker-messages';
import { EXIT_CODES } from '../exit-codes';
import { plural } from '../output/format';
import { peerView } from '../output/views';
import { globalOptionsOf } from './global-options';
import { startPeer, stopAndExit } from './peer-lifetime';

export function registerPeers(program: Command): void {
  program
    .command('peers')
    .description('list the other peers online')
    .option('--json', 'print the peers as JSON')
    .action(async (options: { json?: boolean }, command: Command) => {
      const peer = await startPeer(globalOptionsOf(command), { downloadDir: process.cwd(), seedsLibrary: false });
      const peers = await peer.peers();
      process.stdout.write(options.json ? `${JSON.stringify({ peers: peers.map(peerView) })}\n` : describePeers(peers));
      await stopAndExit(peer, EXIT_CODES.ok);
    });
}

export function describePeers(peers: PeerSummary[]): string {
  if (peers.length === 0) return 'No other peers are online.\n';
  return `${peers.map((peer) => `${peer.name}  ${plural(peer.files, 'file')}  key ${peer.fingerprint}`).join('\n')}\n`;
}

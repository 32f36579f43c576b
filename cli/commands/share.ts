/** `shoal share <path...>`: shares files and folders in place, then stays online seeding until stopped. */
import path from 'node:path';
import type { Command } from 'commander';
import type { NodePeer } from '../node/node-peer';
import { formatBytes, plural } from '../output/format';
import { createProgress, progressModeFor, type Progress } from '../output/progress';
import { sharedFileView } from '../output/views';
import { globalOptionsOf } from './global-options';
import { startPeer, stopOnSignals } from './peer-lifetime';

interface ShareOptions {
  json?: boolean;
}

export function registerShare(program: Command): void {
  program
    .command('share')
    .description('share files and folders (recursively) from where they are, and seed them until stopped')
    .argument('<path...>', 'files or folders to share')
    .option('--json', 'print what was shared as one JSON line')
    .action(async (paths: string[], options: ShareOptions, command: Command) => {
      const global = globalOptionsOf(command);
      const peer = await startPeer(global, { downloadDir: process.cwd(), seedsLibrary: false });
      stopOnSignals(peer, () => {
        if (!options.json) process.stdout.write('Stopping: withdrawing shared files and leaving the tracker.\n');
      });
      const shared = await sharePathsWithProgress(peer, paths, options.json === true);
      if (options.json) {
        process.stdout.write(`${JSON.stringify({ peer: peer.me, shared: shared.map(sharedFileView) })}\n`);
        return;
      }
      process.stdout.write(
        `Sharing ${plural(shared.length, 'file')} as ${peer.me?.name} on ${peer.trackerUrl}. Press Ctrl-C to stop.\n`,
      );
    });
}

/** Shares with a progress display per file being hashed; returns what was shared. */
export async function sharePathsWithProgress(peer: NodePeer, paths: string[], isJson: boolean) {
  const mode = progressModeFor(process.stdout, isJson);
  let current: { filePath: string; progress: Progress } | undefined;
  const shared = await peer.sharePaths(paths, {
    onProgress: (filePath, bytesDone, totalBytes) => {
      if (current?.filePath !== filePath) {
        current?.progress.end();
        current = { filePath, progress: createProgress(`hashing ${path.basename(filePath)}`, mode, process.stdout) };
      }
      current.progress.update({ bytesDone, totalBytes });
    },
    onSkipped: (filePath, reason) => process.stderr.write(`Skipped ${filePath}: ${reason}\n`),
  });
  current?.progress.end();
  if (!isJson) {
    for (const file of shared) process.stdout.write(`Shared ${file.name} (${formatBytes(file.sizeBytes)})  ${file.contentId}\n`);
  }
  return shared;
}

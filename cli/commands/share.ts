/** `shoal share <path...>`: shares files and folders in place, then stays online seeding until stopped. */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import type { SharedFile } from '../node/library';
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
      const folders = await shareFolders(peer, paths, shared, global.dataDir);
      if (options.json) {
        // The JSON line keeps its shape (peer, shared files); folders are found by `shoal search`.
        process.stdout.write(`${JSON.stringify({ peer: peer.me, shared: shared.map(sharedFileView) })}\n`);
        return;
      }
      for (const folder of folders) {
        process.stdout.write(
          `Shared folder ${folder.item.name} (${plural(folder.fileCount, 'file')}, ${formatBytes(folder.item.sizeBytes)})  ${folder.item.contentId}\n`,
        );
      }
      process.stdout.write(
        `Sharing ${plural(shared.length, 'file')} as ${peer.me?.name} on ${peer.trackerUrl}. Press Ctrl-C to stop.\n`,
      );
    });
}

/** Each folder given is also shared as one folder item (its files stay shared one by one too). */
async function shareFolders(
  peer: NodePeer,
  paths: readonly string[],
  shared: readonly SharedFile[],
  dataDir: string,
): Promise<{ item: SharedFile; fileCount: number }[]> {
  const folders: { item: SharedFile; fileCount: number }[] = [];
  for (const given of paths) {
    const dir = path.resolve(given);
    if (!(await stat(dir)).isDirectory()) continue;
    const inside = shared.filter((file) => file.path.startsWith(dir + path.sep));
    if (inside.length === 0) continue;
    try {
      folders.push({ item: await peer.library.shareFolder(dir, inside, dataDir), fileCount: inside.length });
    } catch (error) {
      process.stderr.write(`Could not share ${given} as a folder: ${error instanceof Error ? error.message : String(error)}\n`);
    }
  }
  return folders;
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

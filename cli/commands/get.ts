/** `shoal get <content-id | name | link>`: downloads a file from the peers that hold it into --out. */
import path from 'node:path';
import type { Command } from 'commander';
import { describeFetchingPeers } from '../../shared/engine';
import { asShoalError, errorWithOutlook, ShoalError } from '../../shared/protocol/errors';
import { looksLikeLink, parseFileLink, type FileLink } from '../../shared/protocol/file-link';
import type { SearchResult } from '../../shared/protocol/tracker-messages';
import { FOLDER_MIME_TYPE } from '../../shared/protocol/folder-manifest';
import { EXIT_CODES } from '../exit-codes';
import { getFolder } from './get-folder';
import type { NodePeer } from '../node/node-peer';
import { formatBytes } from '../output/format';
import { createProgress, progressModeFor } from '../output/progress';
import { globalOptionsOf } from './global-options';
import { startPeer, stopAndExit } from './peer-lifetime';

interface GetOptions {
  out: string;
  json?: boolean;
  wait?: boolean;
}

export function registerGet(program: Command): void {
  program
    .command('get')
    .description('download a file by content id, exact name or Shoal link')
    .argument('<content-id|name|link>', 'the 64-hex content id, the exact file name, or a link from "Copy link"')
    .option('--out <dir>', 'folder to save into', '.')
    .option('--json', 'print the result as JSON')
    .option('--wait', 'when no holder can send the file, wait for one instead of exiting')
    .action(async (idOrName: string, options: GetOptions, command: Command) => {
      // A bad link is refused before anything joins the network.
      const link = looksLikeLink(idOrName) ? parseFileLink(idOrName) : undefined;
      const outDir = path.resolve(options.out);
      const peer = await startPeer(globalOptionsOf(command), { downloadDir: outDir, seedsLibrary: false });
      let isInterrupted = false;
      const interrupt = (): void => {
        // The verified chunks stay on disk: running the same command again resumes.
        if (isInterrupted) process.exit(EXIT_CODES.failed);
        isInterrupted = true;
        process.stderr.write('Interrupted; run the same command again to resume.\n');
        void stopAndExit(peer, EXIT_CODES.failed);
      };
      process.on('SIGINT', interrupt);
      process.on('SIGTERM', interrupt);
      const file = link !== undefined ? await linkedFile(peer, link) : await peer.resolve(idOrName);
      if (file.mimeType === FOLDER_MIME_TYPE) {
        await getFolder(peer, file, outDir, { isJson: options.json === true, waitsForHolder: options.wait === true });
        await stopAndExit(peer, EXIT_CODES.ok);
        return;
      }
      const savedPath = await downloadWithProgress(peer, file, outDir, { isJson: options.json === true, waitsForHolder: options.wait === true });
      if (options.json) {
        process.stdout.write(`${JSON.stringify({ id: file.contentId, name: file.name, size: file.size, path: savedPath })}\n`);
      } else {
        process.stdout.write(`Saved ${file.name} (${formatBytes(file.size)}) to ${savedPath}\n`);
      }
      await stopAndExit(peer, EXIT_CODES.ok);
    });
}

/** The file a link names, as the tracker's index knows it (one holder lookup, not a search). */
async function linkedFile(peer: NodePeer, link: FileLink): Promise<SearchResult> {
  const file = await peer.node.heldFile(link.contentId);
  if (file === null) {
    throw new ShoalError('FILE_NOT_FOUND', `Nobody shares '${link.name}' (content id ${link.contentId.slice(0, 12)}…) on the network right now`);
  }
  return file;
}

/** Downloads with a progress display on stdout; returns where the file was saved. A download that
 * stops for want of a holder fails with a message saying how to resume. */
export async function downloadWithProgress(
  peer: NodePeer,
  file: SearchResult,
  outDir: string,
  options: { isJson: boolean; waitsForHolder: boolean },
): Promise<string> {
  const progress = createProgress(file.name, progressModeFor(process.stdout, options.isJson), process.stdout);
  try {
    return await peer.fetchInto(file, outDir, {
      waitsForHolder: options.waitsForHolder,
      onTransfer: (transfer) => {
        transfer.onChange((view) => {
          // Once completed, the view keeps the last holders known, so the final line says how the file came.
          const connections = describeFetchingPeers(view.connections);
          progress.update(
            // Speed and ETA mean nothing once done; the last bar shows the size and who sent it.
            view.state === 'completed'
              ? { bytesDone: view.size, totalBytes: view.size, connections }
              : {
                  bytesDone: view.bytesDone,
                  totalBytes: view.size,
                  speedBytesPerSec: view.speedBytesPerSec,
                  etaSeconds: view.etaSeconds,
                  peers: view.activePeers,
                  connections,
                },
          );
        });
      },
    });
  } catch (error) {
    const failure = asShoalError(error);
    if (failure.code !== 'NO_HOLDER') throw failure;
    // The engine would go on waiting; this process is about to leave, so say how to go on instead.
    const reason = failure.details.reason ?? `No peer holding '${file.name}' can send it now`;
    throw errorWithOutlook('NO_HOLDER', reason, 'run the same command again to resume (or add --wait)', { ...failure.details, fileName: file.name });
  } finally {
    progress.end();
  }
}

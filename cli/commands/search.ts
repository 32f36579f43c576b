/** `shoal search [keyword]`: every file on the network whose name has all the words (blank: all). */
import type { Command } from 'commander';
import { fileResultOf } from '../../shared/protocol/file-result';
import type { SearchResult } from '../../shared/protocol/tracker-messages';
import { EXIT_CODES } from '../exit-codes';
import { formatBytes, plural } from '../output/format';
import { globalOptionsOf } from './global-options';
import { startPeer, stopAndExit } from './peer-lifetime';

export function registerSearch(program: Command): void {
  program
    .command('search')
    .description('search the files shared on the network (blank keyword: every file)')
    .argument('[keyword]', 'words that must all appear in the name', '')
    .option('--json', 'print the results as JSON')
    .action(async (keyword: string, options: { json?: boolean }, command: Command) => {
      const peer = await startPeer(globalOptionsOf(command), { downloadDir: process.cwd(), seedsLibrary: false });
      const results = await peer.search(keyword);
      if (options.json) {
        process.stdout.write(`${JSON.stringify({ total: results.length, files: results.map(fileResultOf) })}\n`);
      } else {
        process.stdout.write(describeResults(results, keyword));
      }
      await stopAndExit(peer, EXIT_CODES.ok);
    });
}

/** A numbered table of results, as the interactive menu also shows it. */
export function describeResults(results: SearchResult[], keyword: string): string {
  if (results.length === 0) {
    return keyword.trim() === '' ? 'No files are shared on the network right now.\n' : `No files match '${keyword}'.\n`;
  }
  const width = String(results.length).length;
  const lines = results.map((file, index) => {
    const number = String(index + 1).padStart(width);
    const holders = plural(file.holders.length, 'peer');
    return `${number}. ${file.name}  ${sizeOf(file)}  ${holders}  ${file.contentId.slice(0, 12)}`;
  });
  return `${lines.join('\n')}\n`;
}

/** A file's size; a folder's file count and total size (its `size` is its manifest's). */
function sizeOf(file: SearchResult): string {
  if (file.fileCount === undefined) return formatBytes(file.size);
  const files = `folder of ${plural(file.fileCount, 'file')}`;
  return file.totalSize === undefined ? files : `${files}, ${formatBytes(file.totalSize)}`;
}

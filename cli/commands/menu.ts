/**
 * `shoal` without a subcommand: the interactive menu. 1. Share a file, 2. Search for a file (then
 * pick a result by number to download, Enter to go back), 3. Peers, 4. Quit. The peer stays online
 * while the menu is open, seeding what it shares and downloads.
 */
import path from 'node:path';
import type { Command } from 'commander';
import { asShoalError } from '../../shared/protocol/errors';
import { EXIT_CODES } from '../exit-codes';
import type { NodePeer } from '../node/node-peer';
import { formatBytes } from '../output/format';
import { downloadWithProgress } from './get';
import { globalOptionsOf } from './global-options';
import { LinePrompter } from './line-prompter';
import { startPeer, stopAndExit, stopOnSignals } from './peer-lifetime';
import { describePeers } from './peers';
import { describeResults } from './search';
import { sharePathsWithProgress } from './share';

const MENU = '\n1. Share a file\n2. Search for a file\n3. Peers\n4. Quit\n';

export async function runMenu(command: Command, outDir: string): Promise<void> {
  const peer = await startPeer(globalOptionsOf(command), { downloadDir: path.resolve(outDir), seedsLibrary: true });
  stopOnSignals(peer);
  const prompter = new LinePrompter(process.stdin, process.stdout);
  process.stdout.write(`Shoal: online as ${peer.me?.name} on ${peer.trackerUrl}\n`);
  for (;;) {
    process.stdout.write(MENU);
    const choice = await prompter.ask('Choose 1-4: ');
    if (choice === undefined || choice === '4') break;
    try {
      if (choice === '1') await shareStep(peer, prompter);
      else if (choice === '2') await searchStep(peer, prompter, path.resolve(outDir));
      else if (choice === '3') process.stdout.write(describePeers(await peer.peers()));
      else process.stdout.write(`'${choice}' is not on the menu; type a number from 1 to 4.\n`);
    } catch (error) {
      process.stdout.write(`Error: ${asShoalError(error).message}\n`);
    }
  }
  prompter.close();
  process.stdout.write('Bye: withdrawing shared files and leaving the tracker.\n');
  await stopAndExit(peer, EXIT_CODES.ok);
}

async function shareStep(peer: NodePeer, prompter: LinePrompter): Promise<void> {
  const answer = await prompter.ask('Path of the file or folder to share (Enter to go back): ');
  if (answer === undefined || answer === '') return;
  await sharePathsWithProgress(peer, [answer], false);
}

async function searchStep(peer: NodePeer, prompter: LinePrompter, outDir: string): Promise<void> {
  const keyword = await prompter.ask('Keyword (Enter for every file): ');
  if (keyword === undefined) return;
  const results = await peer.search(keyword);
  process.stdout.write(describeResults(results, keyword));
  if (results.length === 0) return;
  for (;;) {
    const answer = await prompter.ask(`Number to download (1-${results.length}, Enter to go back): `);
    if (answer === undefined || answer === '') return;
    const file = /^\d+$/.test(answer) ? results[Number(answer) - 1] : undefined;
    if (file === undefined) {
      process.stdout.write(`'${answer}' is not a result number.\n`);
      continue;
    }
    const savedPath = await downloadWithProgress(peer, file, outDir, { isJson: false, waitsForHolder: false });
    process.stdout.write(`Saved ${file.name} (${formatBytes(file.size)}) to ${savedPath}\n`);
    return;
  }
}

import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningTracker } from '../../signaling-server/app';
import { makeRandomFile } from '../../e2e/test-files';
import { runCli } from '../test-support/cli-process';
import { tempDir } from '../test-support/temp-dir';
import { startTestPeer } from '../test-support/test-peers';
import { startTestTracker } from '../test-support/test-tracker';
import { waitFor } from '../test-support/wait-for';

let tracker: RunningTracker;

beforeAll(async () => {
  tracker = await startTestTracker();
});
afterAll(async () => {
  await tracker.close();
});

describe('shoal without a command: the interactive menu', () => {
  it('lists peers, searches and downloads a result by number, shares a file, and quits cleanly', { timeout: 90_000 }, async () => {
    const offered = await makeRandomFile('holiday photos.zip', 2_500_000);
    const mine = await makeRandomFile('my notes.txt', 4_321);
    const ana = await startTestPeer(tracker.url, 'ana');
    await ana.sharePaths([offered.path]);
    const cwd = await tempDir();
    const menu = runCli(['--tracker', tracker.url, '--data-dir', await tempDir(), '--name', 'menu-user'], { cwd });
    try {
      await menu.waitForOutput(/online as menu-user/);
      await menu.waitForOutput(/1\. Share a file\n2\. Search for a file\n3\. Peers\n4\. Quit\nChoose 1-4: $/);

      menu.writeLine('3');
      await menu.waitForOutput(/^ana {2}1 file {2}key /m);

      menu.writeLine('7');
      await menu.waitForOutput(/'7' is not on the menu/);

      menu.writeLine('2');
      await menu.waitForOutput(/Keyword \(Enter for every file\): $/);
      menu.writeLine('holiday');
      await menu.waitForOutput(/^1\. holiday photos\.zip {2}2\.4 MiB {2}1 peer/m);
      await menu.waitForOutput(/Number to download \(1-1, Enter to go back\): $/);
      menu.writeLine('9');
      await menu.waitForOutput(/'9' is not a result number/);
      menu.writeLine('1');
      await menu.waitForOutput(/Saved holiday photos\.zip \(2\.4 MiB\) to /);
      const saved = path.join(cwd, 'holiday photos.zip');
      expect(createHash('sha256').update(await readFile(saved)).digest('hex')).toBe(offered.sha256);

      // Enter at the result prompt goes back to the menu.
      menu.writeLine('2');
      menu.writeLine('');
      await menu.waitForOutput(/Number to download \(1-1, Enter to go back\): $/);
      menu.writeLine('');
      await menu.waitForOutput(/Choose 1-4: $/);

      menu.writeLine('1');
      await menu.waitForOutput(/Path of the file or folder to share \(Enter to go back\): $/);
      menu.writeLine(mine.path);
      await menu.waitForOutput(/Shared my notes\.txt \(4\.2 KiB\)/);
      // The menu peer seeds what it shared and what it downloaded.
      await waitFor(async () => {
        const results = await ana.search('');
        const notes = results.find((file) => file.name === 'my notes.txt');
        const photos = results.find((file) => file.name === 'holiday photos.zip');
        return notes?.holders.length === 1 && photos?.holders.length === 2;
      }, 'the menu peer to announce both files');

      menu.writeLine('4');
      expect(await menu.waitForExit()).toEqual({ code: 0, signal: null });
      expect(menu.stdout()).toContain('Bye: withdrawing shared files and leaving the tracker.');
    } finally {
      menu.kill('SIGKILL');
    }
    expect((await ana.search('notes')).length).toBe(0);
  });

  it('quits when its input ends', { timeout: 30_000 }, async () => {
    const menu = runCli(['--tracker', tracker.url, '--data-dir', await tempDir()]);
    await menu.waitForOutput(/Choose 1-4: $/);
    menu.child.stdin.end();
    expect((await menu.waitForExit()).code).toBe(0);
  });
});

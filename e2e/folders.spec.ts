/**
 * Folders end to end, over real WebRTC: a browser shares a folder of 50 files in nested
 * directories (one of them 50 MiB); another browser finds it by its name and by a file's name
 * inside it and downloads it as one ZIP; the CLI downloads the same folder as a tree; a folder the
 * CLI shares is downloaded by a browser. Every file must arrive byte for byte at its path.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { runCli, runCliToEnd } from '../cli/test-support/cli-process';
import { expect } from './fixtures';
import { test } from './cli-test';
import { sha256Hex as sha, treeOf } from '../cli/test-support/file-tree';
import { resultRow, search } from './peer-actions';
import { zipEntries } from './zip-entries';

const MiB = 1024 * 1024;

const createdDirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'shoal-e2e-folders-'));
  createdDirs.push(dir);
  return dir;
}
test.afterAll(async () => {
  await Promise.all(createdDirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});


/** Writes a folder of `count` files in nested directories, one of them `bigBytes` long; returns path -> sha256. */
async function makeFolder(root: string, count: number, bigBytes: number): Promise<Record<string, string>> {
  const tree: Record<string, string> = {};
  for (let index = 0; index < count; index += 1) {
    const depth = index % 4;
    const dirs = ['level-a', `level-b-${index % 3}`, `level-c-${index % 5}`].slice(0, depth);
    const name = index === 7 ? 'needle-inside-report.txt' : `file-${index}.bin`;
    const relative = [...dirs, name].join('/');
    const bytes = index === 13 ? randomBytes(bigBytes) : randomBytes(1 + ((index * 7919) % 20_000));
    await mkdir(path.dirname(path.join(root, relative)), { recursive: true });
    await writeFile(path.join(root, relative), bytes);
    tree[relative] = sha(bytes);
  }
  return tree;
}


/** Clicks Download on a folder result and returns the saved ZIP's files as path (inside the folder) -> sha256. */
async function downloadZipTree(page: Page, folderName: string): Promise<Record<string, string>> {
  const saved = page.waitForEvent('download', { timeout: 300_000 });
  await resultRow(page, folderName).getByRole('button', { name: 'Download' }).click();
  const download = await saved;
  expect(download.suggestedFilename()).toBe(`${folderName}.zip`);
  // Streamed to disk through the service worker, not collected into a Blob first.
  expect(download.url()).toContain('/__shoal/zip/');
  const tree: Record<string, string> = {};
  for (const entry of await zipEntries(await download.path())) {
    expect(entry.name.startsWith(`${folderName}/`)).toBe(true);
    tree[entry.name.slice(folderName.length + 1)] = sha(entry.bytes);
  }
  return tree;
}

test('a browser shares a folder; a browser gets it as a ZIP and the CLI as a tree, byte for byte', async ({ tracker, peers }) => {
  test.setTimeout(600_000);
  const root = path.join(await tempDir(), 'holiday-archive');
  const expected = await makeFolder(root, 50, 50 * MiB);
  const [ana, ben] = await peers('ana', 'ben');

  await ana.page.getByLabel('Share folder').setInputFiles(root);
  const myFolder = ana.page.getByRole('list', { name: 'My files' }).getByRole('listitem').filter({ hasText: 'holiday-archive' });
  await expect(myFolder).toContainText('Folder · 50 files', { timeout: 300_000 });

  await search(ben.page, 'holiday-archive');
  await expect(resultRow(ben.page, 'holiday-archive')).toContainText('Folder · 50 files');
  await search(ben.page, 'needle-inside');
  await expect(resultRow(ben.page, 'holiday-archive')).toContainText('Folder · 50 files');
  expect(await downloadZipTree(ben.page, 'holiday-archive')).toEqual(expected);

  const outDir = await tempDir();
  const got = await runCliToEnd(['--tracker', tracker.url, '--data-dir', await tempDir(), 'get', 'holiday-archive', '--out', outDir], {
    timeoutMs: 300_000,
  });
  expect(got.code, got.stderr).toBe(0);
  expect(await treeOf(path.join(outDir, 'holiday-archive'))).toEqual(expected);
});

test('the CLI shares a folder and a browser downloads it as a ZIP', async ({ tracker, peers }) => {
  test.setTimeout(300_000);
  const root = path.join(await tempDir(), 'cli-shared-tree');
  const expected = await makeFolder(root, 12, 2 * MiB);
  const sharer = runCli(['--tracker', tracker.url, '--data-dir', await tempDir(), '--name', 'cli-folders', 'share', root]);
  try {
    await sharer.waitForOutput(/Sharing 12 files as cli-folders/);
    const [cleo] = await peers('cleo');
    await search(cleo.page, 'cli-shared-tree');
    await expect(resultRow(cleo.page, 'cli-shared-tree')).toContainText('Folder · 12 files');
    expect(await downloadZipTree(cleo.page, 'cli-shared-tree')).toEqual(expected);
  } finally {
    sharer.kill('SIGTERM');
    expect((await sharer.waitForExit()).code).toBe(0);
  }
});

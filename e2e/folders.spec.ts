/**
 * Folders end to end, over real WebRTC: a browser shares a folder of 50 files in nested
 * directories (one of them 50 MiB); another browser finds it by its name and by a file's name
 * inside it and downloads it as one ZIP; the CLI downloads the same folder as a tree; a folder the
 * CLI shares is downloaded by a browser; "Save to folder…" writes a folder into a directory. Every
 * file must arrive byte for byte at its path.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { runCli, runCliToEnd } from '../cli/test-support/cli-process';
import { expect } from './fixtures';
import { test } from './cli-test';
import { sha256Hex as sha, treeOf } from '../cli/test-support/file-tree';
import { resultRow, search } from './peer-actions';
import { zipEntries } from './zip-entries';
import { formatBytes } from '../client/format';

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

/** The bytes of every file under `root`, summed. */
async function totalSizeOf(root: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(root, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) total += (await stat(path.join(entry.parentPath, entry.name))).size;
  }
  return total;
}

/** Every file under `dirPath` (a '/'-separated path in the page's origin private file system) as
 * relative path -> sha256, read back in the page. */
async function privateTreeOf(page: Page, dirPath: string): Promise<Record<string, string>> {
  return page.evaluate(async (dirPath) => {
    // TypeScript's DOM library here lacks the directory handles' async iteration.
    type Listable = FileSystemDirectoryHandle & { entries(): AsyncIterable<[string, FileSystemHandle]> };
    let directory = await navigator.storage.getDirectory();
    for (const segment of dirPath.split('/')) directory = await directory.getDirectoryHandle(segment);
    const tree: Record<string, string> = {};
    async function walk(dir: FileSystemDirectoryHandle, prefix: string): Promise<void> {
      for await (const [name, handle] of (dir as Listable).entries()) {
        const relative = prefix === '' ? name : `${prefix}/${name}`;
        if (handle.kind === 'directory') {
          await walk(handle as FileSystemDirectoryHandle, relative);
        } else {
          const bytes = await (await (handle as FileSystemFileHandle).getFile()).arrayBuffer();
          const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
          tree[relative] = Array.from(digest, (byte) => byte.toString(16).padStart(2, '0')).join('');
        }
      }
    }
    await walk(directory, '');
    return tree;
  }, dirPath);
}

test('"Save to folder…" writes every file of a folder at its path; a browser without the picker is not offered it', async ({ tracker, peers }) => {
  test.setTimeout(300_000);
  const root = path.join(await tempDir(), 'field-notes');
  const expected = await makeFolder(root, 24, 3 * MiB);
  const totalText = formatBytes(await totalSizeOf(root));
  const [ana, ben, cleo] = await peers('ana', 'ben', 'cleo');

  await ana.page.getByLabel('Share folder').setInputFiles(root);
  const myFolder = ana.page.getByRole('list', { name: 'My files' }).getByRole('listitem').filter({ hasText: 'field-notes' });
  await expect(myFolder).toContainText(`Folder · 24 files · ${totalText}`, { timeout: 120_000 });

  // Headless Chromium cannot show the directory picker's dialog, so the test stands in for the
  // person's choice: showDirectoryPicker is replaced by one that answers with a real directory
  // handle, a directory in the origin private file system (navigator.storage.getDirectory()).
  // Everything after the choice (creating directories and files, writing them) is the real API.
  await ben.page.evaluate(async () => {
    const picked = await (await navigator.storage.getDirectory()).getDirectoryHandle('picked-by-test', { create: true });
    Object.defineProperty(window, 'showDirectoryPicker', { configurable: true, value: async () => picked });
  });
  // cleo's browser has no File System Access API (as Firefox and Safari): only the ZIP is offered.
  await cleo.page.evaluate(() => {
    Object.defineProperty(window, 'showDirectoryPicker', { configurable: true, value: undefined });
  });

  await search(ben.page, 'field-notes');
  const row = resultRow(ben.page, 'field-notes');
  await expect(row).toContainText(`Folder · 24 files · ${totalText}`);
  await row.getByRole('button', { name: 'Save to folder…' }).click();
  const saves = ben.page.getByRole('list', { name: 'Folders saved to disk' });
  await expect(saves.getByRole('progressbar', { name: 'Saving field-notes to a folder' })).toHaveAttribute('aria-valuenow', '100', {
    timeout: 240_000,
  });
  await expect(saves).toContainText('Saved 24 files in “picked-by-test/field-notes”');
  expect(await privateTreeOf(ben.page, 'picked-by-test/field-notes')).toEqual(expected);

  // Saved again into the same directory: the first copy stays, the second is "field-notes (1)".
  await search(ben.page, 'field-notes');
  await resultRow(ben.page, 'field-notes').getByRole('button', { name: 'Save to folder…' }).click();
  await expect(saves).toContainText('Saved 24 files in “picked-by-test/field-notes (1)”', { timeout: 60_000 });
  expect(await privateTreeOf(ben.page, 'picked-by-test/field-notes (1)')).toEqual(expected);

  await search(cleo.page, 'field-notes');
  const cleoRow = resultRow(cleo.page, 'field-notes');
  await expect(cleoRow.getByRole('button', { name: 'Download' })).toBeEnabled();
  await expect(cleoRow.getByRole('button', { name: 'Save to folder…' })).toHaveCount(0);

  // The folder's link view says what it holds: its file count and total size.
  await ana.page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: tracker.url });
  await ana.page.getByRole('button', { name: 'Copy link to field-notes' }).click();
  const link = await ana.page.evaluate(() => navigator.clipboard.readText());
  await cleo.page.goto(link);
  const linkView = cleo.page.getByRole('region', { name: 'Shared file' });
  await expect(linkView).toContainText(totalText);
  await expect(linkView).toContainText('24 files');
  await expect(linkView.getByRole('button', { name: 'Download' })).toBeEnabled();
  await expect(linkView.getByRole('button', { name: 'Save to folder…' })).toHaveCount(0);
});

/**
 * Drops the directory `dir` (on this machine) on the drop zone as a person dragging it from their
 * file manager would: through Chromium's own drag-and-drop input (DevTools protocol
 * Input.dispatchDragEvent), so the page gets a real directory entry from webkitGetAsEntry.
 */
async function dropDirectory(page: Page, dir: string): Promise<void> {
  const zone = page.getByRole('group', { name: 'Drop files here to share them' });
  await zone.scrollIntoViewIfNeeded();
  const box = await zone.boundingBox();
  if (box === null) throw new Error('The drop zone is not on screen');
  const at = { x: box.x + box.width / 2, y: box.y + box.height / 2 };
  const cdp = await page.context().newCDPSession(page);
  // dragOperationsMask 1: copy, as a file manager offers.
  const data = { items: [], files: [dir], dragOperationsMask: 1 };
  for (const type of ['dragEnter', 'dragOver', 'drop'] as const) await cdp.send('Input.dispatchDragEvent', { type, ...at, data });
  await cdp.detach();
}

test('a folder dropped on the drop zone is shared as one folder, and arrives with every path', async ({ peers }) => {
  test.setTimeout(300_000);
  const root = path.join(await tempDir(), 'dropped-album');
  const expected = await makeFolder(root, 30, 512 * 1024);
  // More files in one directory than Chromium's readEntries answers at once (100).
  for (let index = 0; index < 110; index += 1) {
    const bytes = randomBytes(200 + index);
    await mkdir(path.join(root, 'many'), { recursive: true });
    await writeFile(path.join(root, 'many', `note-${index}.txt`), bytes);
    expected[`many/note-${index}.txt`] = sha(bytes);
  }
  const [ana, ben] = await peers('ana', 'ben');

  await dropDirectory(ana.page, root);
  const myFiles = ana.page.getByRole('list', { name: 'My files' });
  await expect(myFiles.getByRole('listitem').filter({ hasText: 'dropped-album' })).toContainText('Folder · 140 files', { timeout: 120_000 });
  // One item: the folder, not its files one by one.
  await expect(myFiles.getByRole('listitem')).toHaveCount(1);

  await search(ben.page, 'dropped-album');
  expect(await downloadZipTree(ben.page, 'dropped-album')).toEqual(expected);
});

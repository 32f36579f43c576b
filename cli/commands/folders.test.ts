/** `shoal share <dir>` shares a folder as one item; `shoal get <folder>` writes its tree under --out. */
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningTracker } from '../../signaling-server/app';
import { runCli, runCliToEnd } from '../test-support/cli-process';
import { tempDir } from '../test-support/temp-dir';
import { sha256Hex as sha, treeOf } from '../test-support/file-tree';
import { startTestTracker } from '../test-support/test-tracker';
import { pathInFolder } from './get-folder';

let tracker: RunningTracker;
beforeAll(async () => {
  tracker = await startTestTracker();
});
afterAll(async () => {
  await tracker.close();
});

async function shoalArgs(...args: string[]): Promise<string[]> {
  return ['--tracker', tracker.url, '--data-dir', await tempDir('shoal-cli-data-'), ...args];
}


describe('folders in the CLI', () => {
  it('refuses to write outside the folder', () => {
    // Hostile segments become safe names (the manifest schema refuses such paths before this, too).
    expect(pathInFolder('/tmp/out/f', '../x')).toBe('/tmp/out/f/download/x');
    expect(pathInFolder('/tmp/out/f', 'a/b.txt')).toBe('/tmp/out/f/a/b.txt');
    expect(pathInFolder('/tmp/out/f', '/etc/passwd')).toBe('/tmp/out/f/download/etc/passwd');
    expect(pathInFolder('/tmp/out/f', 'a\\..\\..\\x')).toBe('/tmp/out/f/a_.._.._x');
  });

  it('shares a directory as one folder found by its name and an inner name; get writes the tree byte for byte', { timeout: 90_000 }, async () => {
    const root = path.join(await tempDir('shoal-folder-src-'), 'holiday-pics');
    const files: Record<string, Uint8Array> = {
      'readme.txt': randomBytes(10),
      'day1/beach-sunset.jpg': randomBytes(300_000),
      'day1/deep/nested/note.md': randomBytes(1234),
      'day2/readme.txt': randomBytes(20),
    };
    for (const [relative, bytes] of Object.entries(files)) {
      await mkdir(path.dirname(path.join(root, relative)), { recursive: true });
      await writeFile(path.join(root, relative), bytes);
    }
    const sharer = runCli(await shoalArgs('--name', 'folder-sharer', 'share', root));
    try {
      await sharer.waitForOutput(/Sharing 4 files as folder-sharer/);
      expect(sharer.stdout()).toMatch(/Shared folder holiday-pics \(4 files, /);

      const byInner = await runCliToEnd(await shoalArgs('search', '--json', 'sunset'));
      const found = JSON.parse(byInner.stdout) as { files: { name: string }[] };
      expect(found.files.map((file) => file.name).sort()).toEqual(['beach-sunset.jpg', 'holiday-pics']);

      const out = await tempDir('shoal-folder-out-');
      const got = await runCliToEnd(await shoalArgs('get', '--out', out, 'holiday-pics'));
      expect(got.code, got.stderr).toBe(0);
      expect(got.stdout).toContain(`Saved folder holiday-pics (4 files`);
      const expected = Object.fromEntries(Object.entries(files).map(([relative, bytes]) => [relative, sha(bytes)]));
      expect(await treeOf(path.join(out, 'holiday-pics'))).toEqual(expected);
      // Nothing but the folder is left in --out.
      expect(await readdir(out)).toEqual(['holiday-pics']);
    } finally {
      sharer.kill('SIGTERM');
    }
    expect((await sharer.waitForExit()).code).toBe(0);
  });
});

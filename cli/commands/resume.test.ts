import { createHash, randomBytes } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chunkCount, MIN_CHUNK_SIZE_BYTES } from '../../shared/content/chunking';
import type { RunningTracker } from '../../signaling-server/app';
import { runCli, runCliToEnd } from '../test-support/cli-process';
import { startGatedSeeder } from '../test-support/gated-seeder';
import { tempDir } from '../test-support/temp-dir';
import { startTestTracker } from '../test-support/test-tracker';
import { waitFor } from '../test-support/wait-for';

let tracker: RunningTracker;

beforeAll(async () => {
  tracker = await startTestTracker();
});
afterAll(async () => {
  await tracker.close();
});

describe('shoal get after kill -9', () => {
  it('resumes from the verified chunks: only the missing ones are fetched again', { timeout: 90_000 }, async () => {
    const bytes = randomBytes(16 * MIN_CHUNK_SIZE_BYTES + 999);
    const seeder = await startGatedSeeder({ trackerUrl: tracker.url, name: 'slow-seeder', fileName: 'dataset.bin', bytes, chunksBeforeGate: 6 });
    const { record } = seeder;
    const total = chunkCount(record.manifest.size, record.manifest.chunkSizeBytes);
    const dataDir = await tempDir();
    const outDir = await tempDir();
    const args = ['--tracker', tracker.url, '--data-dir', dataDir, 'get', 'dataset.bin', '--out', outDir];
    try {
      const first = runCli(args);
      const journal = path.join(dataDir, 'library', `${record.contentId}.chunks`);
      await waitFor(
        async () => (await readFile(journal, 'utf8').catch(() => '')).split('\n').filter(Boolean).length >= 6,
        'six verified chunks on disk',
        30_000,
      );
      first.kill('SIGKILL');
      expect((await first.waitForExit()).signal).toBe('SIGKILL');
      expect(await readdir(outDir)).toEqual(['dataset.bin.shoal-partial']);
      const servedBeforeKill = new Set(seeder.served);

      seeder.openGate();
      seeder.served.length = 0;
      const second = await runCliToEnd(args);
      expect(second.code, second.stderr).toBe(0);
      expect(await readdir(outDir)).toEqual(['dataset.bin']);
      expect(createHash('sha256').update(await readFile(path.join(outDir, 'dataset.bin'))).digest('hex')).toBe(
        createHash('sha256').update(bytes).digest('hex'),
      );
      // Nothing verified before the kill was fetched again.
      expect(seeder.served.filter((index) => servedBeforeKill.has(index))).toEqual([]);
      expect(new Set([...servedBeforeKill, ...seeder.served]).size).toBe(total);
    } finally {
      await seeder.stop();
    }
  });
});

/** Fresh temporary folders for tests, removed (with the random test files) when the test file is done. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import { removeTestFiles } from '../../e2e/test-files';

const created: string[] = [];

afterAll(async () => {
  await Promise.all(created.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
  await removeTestFiles();
});

export async function tempDir(label = 'shoal-cli-'): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), label));
  created.push(dir);
  return dir;
}

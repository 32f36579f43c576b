/** Test data made by the tests: files of random bytes of a chosen size, and their SHA-256. */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

const WRITE_PIECE_BYTES = 4 * 1024 * 1024;

export interface TestFile {
  path: string;
  name: string;
  size: number;
  sha256: string;
}

const createdDirs: string[] = [];

/** Writes `size` random bytes to a fresh temp file named `name`, hashing as it goes. */
export async function makeRandomFile(name: string, size: number): Promise<TestFile> {
  const dir = await mkdtemp(path.join(tmpdir(), 'shoal-e2e-'));
  createdDirs.push(dir);
  const filePath = path.join(dir, name);
  const hash = createHash('sha256');
  const handle = await open(filePath, 'w');
  try {
    for (let written = 0; written < size; written += WRITE_PIECE_BYTES) {
      const piece = randomBytes(Math.min(WRITE_PIECE_BYTES, size - written));
      hash.update(piece);
      await handle.write(piece);
    }
  } finally {
    await handle.close();
  }
  return { path: filePath, name, size, sha256: hash.digest('hex') };
}

export function sha256OfFile(filePath: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(filePath)
      .on('data', (piece) => hash.update(piece))
      .on('end', () => resolve(hash.digest('hex')))
      .on('error', reject);
  });
}

/** Deletes every file made so far (the large-file test alone writes 2 GiB). */
export async function removeTestFiles(): Promise<void> {
  const dirs = createdDirs.splice(0);
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
}

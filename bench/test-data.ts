/** Benchmark input files: random bytes written once per run to a temp folder, removed at the end. */
import { randomBytes } from 'node:crypto';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

const PIECE_BYTES = 8 * 1024 * 1024;

export class BenchFiles {
  private constructor(private readonly dir: string) {}

  static async create(): Promise<BenchFiles> {
    return new BenchFiles(await mkdtemp(path.join(tmpdir(), 'shoal-bench-')));
  }

  /** Writes a file of random bytes (one random piece repeated would dedupe nothing here, but random is honest). */
  async make(name: string, sizeBytes: number): Promise<string> {
    const filePath = path.join(this.dir, name);
    const handle = await open(filePath, 'w');
    try {
      for (let written = 0; written < sizeBytes; written += PIECE_BYTES) {
        await handle.write(randomBytes(Math.min(PIECE_BYTES, sizeBytes - written)));
      }
    } finally {
      await handle.close();
    }
    return filePath;
  }

  remove(): Promise<void> {
    return rm(this.dir, { recursive: true, force: true });
  }
}

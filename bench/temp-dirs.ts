/** Throwaway folders for a benchmark run (tracker data), so a run never touches ./data. */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

export function tempDataDirFor(purpose: string): Promise<string> {
  return mkdtemp(path.join(tmpdir(), `shoal-${purpose}-`));
}

/** Picks where a new file goes in a folder: its name made safe, numbered if taken ("a (1).txt"),
 * never an existing file and never outside the folder. */
import { lstat } from 'node:fs/promises';
import { PARTIAL_SUFFIX } from './partial-download';
import { numberedName, pathInside, safeFileName } from './safe-file-name';

/** A path in `dir` for a file named `untrustedName` such that neither it nor its partial file exists. */
export async function freeFilePath(dir: string, untrustedName: string): Promise<string> {
  const name = safeFileName(untrustedName);
  for (let copy = 0; ; copy += 1) {
    const candidate = pathInside(dir, copy === 0 ? name : numberedName(name, copy));
    if (!(await exists(candidate)) && !(await exists(candidate + PARTIAL_SUFFIX))) return candidate;
  }
}

async function exists(filePath: string): Promise<boolean> {
  return lstat(filePath).then(
    () => true,
    () => false,
  );
}

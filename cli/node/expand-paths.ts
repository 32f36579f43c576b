/** Turns the paths a person gave (files and folders) into the files to share, folders recursively. */
import { readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { ShoalError } from '../../shared/protocol/errors';
import { PARTIAL_SUFFIX } from './partial-download';

/** Absolute paths of the regular files under the given paths, in a stable order. Fails on a path
 * that does not exist, before anything is shared. */
export async function expandPaths(paths: readonly string[]): Promise<string[]> {
  const files: string[] = [];
  for (const given of paths) {
    const absolute = path.resolve(given);
    const info = await stat(absolute).catch(() => undefined);
    if (info === undefined) throw new ShoalError('FILE_NOT_FOUND', `No such file or folder: '${given}'`);
    if (info.isDirectory()) files.push(...(await filesUnder(absolute, new Set())));
    else if (info.isFile()) files.push(absolute);
    else throw new ShoalError('BAD_REQUEST', `'${given}' is neither a file nor a folder`);
  }
  return [...new Set(files)];
}

async function filesUnder(dir: string, visited: Set<string>): Promise<string[]> {
  // A symlink loop would otherwise recurse forever.
  const real = await realpath(dir);
  if (visited.has(real)) return [];
  visited.add(real);
  const files: string[] = [];
  const names = (await readdir(dir)).sort();
  for (const name of names) {
    // Downloads in progress are not files yet.
    if (name.endsWith(PARTIAL_SUFFIX)) continue;
    const child = path.join(dir, name);
    const info = await stat(child).catch(() => undefined);
    if (info?.isDirectory()) files.push(...(await filesUnder(child, visited)));
    else if (info?.isFile()) files.push(child);
  }
  return files;
}

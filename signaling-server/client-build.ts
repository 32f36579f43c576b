/**
 * Keeps the served web app current: `npm start` rebuilds it with Vite when `dist/index.html` is
 * missing or older than any source the bundle is made from.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** What the bundle is built from; shared/ is in it because the client imports it. */
export const CLIENT_SOURCES = ['client', 'shared', 'index.html', 'vite.config.ts'];

/** Newest modification time of the files under these paths (skipping node_modules and dot-files). */
export function newestMtimeMs(paths: string[]): number | undefined {
  let newest: number | undefined;
  const visit = (path: string): void => {
    if (!existsSync(path)) return;
    const stats = statSync(path);
    if (stats.isDirectory()) {
      for (const entry of readdirSync(path)) {
        if (entry !== 'node_modules' && !entry.startsWith('.')) visit(join(path, entry));
      }
    } else if (newest === undefined || stats.mtimeMs > newest) {
      newest = stats.mtimeMs;
    }
  };
  paths.forEach(visit);
  return newest;
}

export function isClientBuildStale(repoRoot: string, outDir = join(repoRoot, 'dist')): boolean {
  const builtIndex = join(outDir, 'index.html');
  if (!existsSync(builtIndex)) return true;
  const newestSource = newestMtimeMs(CLIENT_SOURCES.map((source) => join(repoRoot, source)));
  return newestSource !== undefined && newestSource > statSync(builtIndex).mtimeMs;
}

export type BuildOutcome = 'up-to-date' | 'built' | 'no-config';

/** Builds with the repository's vite.config.ts when the bundle is stale; throws if Vite fails. */
export async function buildClientIfStale(repoRoot: string, report: (message: string) => void): Promise<BuildOutcome> {
  if (!isClientBuildStale(repoRoot)) return 'up-to-date';
  const configFile = join(repoRoot, 'vite.config.ts');
  if (!existsSync(configFile)) {
    report(`Not building the web app: ${configFile} is missing`);
    return 'no-config';
  }
  report('Building the web app (it is missing or older than its sources)…');
  // Imported here so a tracker that never builds does not load Vite at all.
  const { build } = await import('vite');
  await build({ configFile, root: repoRoot, logLevel: 'warn' });
  return 'built';
}

/**
 * A bench-only build of the web app for profiling: the repository's Vite config with source maps,
 * and without minifying, so a profile names our functions and the maps name their files. Minifying
 * changes names and whitespace, not the work done, so the budget it measures is the shipped app's.
 * Kept apart from dist/ (which `npm start` serves), and rebuilt when its sources are newer.
 */
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { isClientBuildStale } from '../../signaling-server/client-build';
import type { SourceResolver } from './profile-attribution';
import { SourceMapLookup } from './source-map-lookup';

export const BUDGET_BUILD_DIR = path.join(tmpdir(), 'shoal-cpu-budget-dist');

export async function buildForProfiling(repoRoot: string, report: (message: string) => void): Promise<string> {
  if (!isClientBuildStale(repoRoot, BUDGET_BUILD_DIR)) return BUDGET_BUILD_DIR;
  report(`Building the web app with source maps for profiling (${BUDGET_BUILD_DIR})…`);
  const { build } = await import('vite');
  await build({
    configFile: path.join(repoRoot, 'vite.config.ts'),
    root: repoRoot,
    logLevel: 'warn',
    build: { outDir: BUDGET_BUILD_DIR, emptyOutDir: true, sourcemap: true, minify: false },
  });
  return BUDGET_BUILD_DIR;
}

/**
 * Maps a profile's script positions to source files through the build's maps: a script served from
 * the build (`http://host:port/assets/index-….js`) is read as `<buildDir>/assets/index-….js.map`.
 * Scripts without a map (the service worker, DevTools' own) resolve to nothing.
 */
export async function sourceResolverFor(buildDir: string, repoRoot: string, urls: Iterable<string>): Promise<SourceResolver> {
  const lookups = new Map<string, SourceMapLookup | undefined>();
  for (const url of new Set(urls)) {
    let pathname: string;
    try {
      pathname = new URL(url).pathname;
    } catch {
      continue;
    }
    const mapFile = path.join(buildDir, pathname);
    if (!mapFile.startsWith(buildDir + path.sep)) continue;
    const json = await readFile(`${mapFile}.map`, 'utf8').catch(() => undefined);
    lookups.set(url, json === undefined ? undefined : SourceMapLookup.parse(json, path.dirname(mapFile), repoRoot));
  }
  return (url, line, column) => lookups.get(url)?.sourceAt(line, column);
}

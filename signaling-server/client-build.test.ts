import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isClientBuildStale } from './client-build';

const roots: string[] = [];

afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

/** A fake repository whose files carry the given modification times (seconds since epoch). */
function repoWith(files: Record<string, number>): string {
  const root = mkdtempSync(join(tmpdir(), 'shoal-build-'));
  roots.push(root);
  for (const [path, mtimeSeconds] of Object.entries(files)) {
    const full = join(root, path);
    mkdirSync(join(full, '..'), { recursive: true });
    writeFileSync(full, path);
    utimesSync(full, mtimeSeconds, mtimeSeconds);
  }
  return root;
}

describe('isClientBuildStale', () => {
  it('is stale when there is no build', () => {
    expect(isClientBuildStale(repoWith({ 'client/main.ts': 100 }))).toBe(true);
  });

  it('is fresh when the build is newer than every source', () => {
    const root = repoWith({
      'client/main.ts': 100,
      'client/lib/App.svelte': 110,
      'index.html': 100,
      'vite.config.ts': 100,
      'dist/index.html': 200,
    });
    expect(isClientBuildStale(root)).toBe(false);
  });

  it.each(['client/lib/deep/Row.svelte', 'index.html', 'vite.config.ts', 'shared/protocol/limits.ts'])(
    'is stale when %s changed after the build',
    (changed) => {
      const root = repoWith({ 'client/main.ts': 100, 'dist/index.html': 200, [changed]: 300 });
      expect(isClientBuildStale(root)).toBe(true);
    },
  );
});

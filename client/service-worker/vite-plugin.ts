/**
 * Vite build plugin that emits /sw.js: client/service-worker/sw.ts with the build's app-shell file
 * list and a version written in. The version is a hash of every shell file's name and bytes, so any
 * change to the app gives a new worker, and with it a new cache that replaces the old one.
 */
import { createHash } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { transformWithOxc, type Plugin } from 'vite';

const SOURCE = path.join(import.meta.dirname, 'sw.ts');
export const SERVICE_WORKER_FILE = 'sw.js';

/** Files of the public folder that the shell needs offline (the icons, manifest and favicon). */
function isShellPublicFile(relativePath: string): boolean {
  return /\.(png|svg|webmanifest)$/.test(relativePath);
}

async function listFiles(dir: string, prefix = ''): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((entry) =>
      entry.isDirectory() ? listFiles(path.join(dir, entry.name), `${prefix}${entry.name}/`) : [`${prefix}${entry.name}`],
    ),
  );
  return nested.flat();
}

export function appShellServiceWorker(options: { publicDir: string }): Plugin {
  return {
    name: 'shoal-app-shell-service-worker',
    apply: 'build',
    // After Vite has written index.html into the bundle, so the shell list includes it.
    enforce: 'post',
    async generateBundle(_output, bundle) {
      const version = createHash('sha256');
      const shell: string[] = [];
      for (const [fileName, item] of Object.entries(bundle).sort(([a], [b]) => a.localeCompare(b))) {
        if (fileName.endsWith('.map')) continue;
        shell.push(`/${fileName}`);
        version.update(fileName).update(item.type === 'chunk' ? item.code : item.source);
      }
      for (const fileName of (await listFiles(options.publicDir)).filter(isShellPublicFile).sort()) {
        shell.push(`/${fileName}`);
        version.update(fileName).update(await readFile(path.join(options.publicDir, fileName)));
      }

      // Stripping the types first drops sw.ts's `declare const` lines; then the values go in.
      const { code } = await transformWithOxc(await readFile(SOURCE, 'utf8'), SOURCE, { lang: 'ts' });
      const script = code
        .replaceAll('__SHOAL_SHELL_FILES__', JSON.stringify(shell))
        .replaceAll('__SHOAL_BUILD_VERSION__', JSON.stringify(version.digest('hex').slice(0, 16)))
        // A classic worker script: the module marker that kept sw.ts's names local is dropped.
        .replace(/^export\s*\{\s*\};?\s*$/m, '');
      this.emitFile({ type: 'asset', fileName: SERVICE_WORKER_FILE, source: script });
    },
  };
}

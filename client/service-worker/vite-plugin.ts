/**
 * Vite build plugin that emits /sw.js: client/service-worker/sw.ts and its imports bundled into one
 * classic script, with the build's app-shell file list and a version written in. The version is a
 * hash of every shell file's name and bytes, so any change to the app gives a new worker, and with
 * it a new cache that replaces the old one.
 */
import { createHash } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { build, type Plugin, type Rolldown } from 'vite';

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

      const script = (await bundleWorker())
        .replaceAll('__SHOAL_SHELL_FILES__', JSON.stringify(shell))
        .replaceAll('__SHOAL_BUILD_VERSION__', JSON.stringify(version.digest('hex').slice(0, 16)));
      this.emitFile({ type: 'asset', fileName: SERVICE_WORKER_FILE, source: script });
    },
  };
}

/** sw.ts and what it imports (zod, the message schemas) as one classic script: a module service
 * worker would not start in browsers without module worker support. The two placeholders are
 * undeclared globals to the bundler, so minifying keeps their names for the replacement above. */
async function bundleWorker(): Promise<string> {
  const result = await build({
    configFile: false,
    root: path.resolve(import.meta.dirname, '../..'),
    publicDir: false,
    logLevel: 'warn',
    mode: 'production',
    build: {
      // In memory only: the outer build writes sw.js, and its dist/ must not be emptied by this one.
      write: false,
      emptyOutDir: false,
      minify: true,
      sourcemap: false,
      copyPublicDir: false,
      lib: { entry: SOURCE, formats: ['iife'], name: 'shoalServiceWorker', fileName: () => SERVICE_WORKER_FILE },
    },
  });
  // No `watch` was asked for, so the result is the output (or one per format), never a watcher.
  const outputs: Rolldown.RolldownOutput[] = Array.isArray(result) ? result : 'output' in result ? [result] : [];
  const chunk = outputs.flatMap((output) => output.output).find((item) => item.type === 'chunk');
  if (chunk === undefined || chunk.type !== 'chunk') throw new Error('Bundling the service worker gave no script');
  return chunk.code;
}

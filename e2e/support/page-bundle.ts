/**
 * Runs a TypeScript module, with what it imports, in a Playwright page: bundled once per process
 * by esbuild and evaluated through page.evaluate. The app's Content-Security-Policy refuses
 * <script> tags but does not govern page.evaluate; and a bundle, unlike a serialized function,
 * carries no helpers of the test's own transpiler (tsx's keepNames adds `__name` calls that do not
 * exist in the page). The module puts its API on globalThis under a name of its own.
 */
import { build } from 'esbuild';
import type { Page } from '@playwright/test';

const bundles = new Map<string, Promise<string>>();

function bundleOf(entryFile: string): Promise<string> {
  let bundle = bundles.get(entryFile);
  if (bundle === undefined) {
    bundle = build({
      entryPoints: [entryFile],
      bundle: true,
      format: 'iife',
      platform: 'browser',
      target: 'chrome120',
      write: false,
      logLevel: 'silent',
    }).then((result) => {
      const [output] = result.outputFiles;
      if (output === undefined) throw new Error(`esbuild produced no bundle for ${entryFile}`);
      return output.text;
    });
    bundles.set(entryFile, bundle);
  }
  return bundle;
}

/** Evaluates the module in the page unless `globalName` shows it ran there already (a navigation clears it). */
export async function installPageModule(page: Page, entryFile: string, globalName: string): Promise<void> {
  const isInstalled = await page.evaluate((name) => name in globalThis, globalName);
  if (!isInstalled) await page.evaluate(await bundleOf(entryFile));
}

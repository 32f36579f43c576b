/**
 * Test video for Playwright specs and benches: generates a WebM in a page (see generate-webm.ts)
 * and hands it on as a file on disk or straight into a file input (see ../page-bundle.ts for how
 * the generator gets into the page). The page must be a secure context (WebCodecs, origin-private
 * file system): the app's own page on 127.0.0.1 or localhost is.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Locator, Page } from '@playwright/test';
import { installPageModule } from '../page-bundle';
import type { WebmRequest } from './webm-request';
import type { GeneratedWebmInfo, TestMediaApi } from './test-media-page';

export { WEBM_DEFAULTS, type WebmRequest } from './webm-request';
export type { GeneratedWebmInfo } from './test-media-page';

const PAGE_ENTRY = path.join(path.dirname(fileURLToPath(import.meta.url)), 'test-media-page.ts');

/**
 * Generates a WebM of about `request.sizeBytes` in the page; the file stays in the page (in its
 * origin-private file system) until removeGeneratedWebm. 200 MiB takes tens of seconds: mind the
 * spec's timeout.
 */
export async function generateWebmInPage(page: Page, request: WebmRequest): Promise<GeneratedWebmInfo> {
  await installPageModule(page, PAGE_ENTRY, 'shoalTestMedia');
  return page.evaluate((pageRequest) => (globalThis as { shoalTestMedia?: TestMediaApi }).shoalTestMedia!.generate(pageRequest), request);
}

/** Saves a generated file to `filePath` through a browser download: the bytes never pass through this process's memory. */
export async function saveGeneratedWebm(page: Page, name: string, filePath: string, timeoutMs = 120_000): Promise<void> {
  const downloaded = page.waitForEvent('download', { timeout: timeoutMs });
  await page.evaluate((fileName) => (globalThis as { shoalTestMedia?: TestMediaApi }).shoalTestMedia!.offerAsDownload(fileName), name);
  const download = await downloaded;
  await download.saveAs(filePath);
  await download.delete();
}

/**
 * Chooses a generated file in a file input of the same page (e.g. the app's "Share files"). The
 * page reads the file from the origin-private file system for as long as it holds it, so remove
 * it only when the page is done with it.
 */
export async function putGeneratedWebmInFileInput(input: Locator, name: string): Promise<void> {
  await input.evaluate(
    (element, fileName) => {
      if (!(element instanceof HTMLInputElement) || element.type !== 'file') throw new Error('Not a file input');
      (globalThis as { shoalTestMedia?: TestMediaApi }).shoalTestMedia!.putInFileInput(element, fileName);
    },
    name,
  );
}

/** Deletes a generated file from the page's storage. */
export async function removeGeneratedWebm(page: Page, name: string): Promise<void> {
  await page.evaluate((fileName) => (globalThis as { shoalTestMedia?: TestMediaApi }).shoalTestMedia!.remove(fileName), name);
}

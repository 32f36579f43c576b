/**
 * Vitest global setup of the `chromium` project: a real tracker on 127.0.0.1 and a free port for
 * the browser suites, which read its URL with `inject('trackerUrl')` (the page cannot start one).
 */
import type { TestProject } from 'vitest/node';
import { createTracker } from '../../signaling-server/app';

declare module 'vitest' {
  export interface ProvidedContext {
    trackerUrl: string;
  }
}

export default async function startTrackerForBrowserTests(project: TestProject): Promise<() => Promise<void>> {
  const tracker = await createTracker({ host: '127.0.0.1', port: 0, staticDir: null });
  project.provide('trackerUrl', tracker.url);
  return () => tracker.close();
}

/**
 * The app shell in the Cache API: the built index.html, scripts, styles, icons and manifest, under a
 * version the build writes in (client/service-worker/vite-plugin.ts). Every build has a new version,
 * so a new build installs a new cache and deletes the old one.
 *
 * Navigations try the network first (so a deploy is seen at once) and fall back to the cached
 * index.html; the shell's other files are content-hashed, so the cache answers them first. The
 * tracker's API and socket (/api, /socket.io) and anything not in the shell are never cached.
 */
import { worker, type ExtendableEvent, type FetchEvent } from './worker-scope';

declare const __SHOAL_SHELL_FILES__: string[];
declare const __SHOAL_BUILD_VERSION__: string;

const CACHE_PREFIX = 'shoal-shell-';
const CACHE_NAME = `${CACHE_PREFIX}${__SHOAL_BUILD_VERSION__}`;
const SHELL_FILES: readonly string[] = __SHOAL_SHELL_FILES__;
const SHELL_PATHS = new Set(SHELL_FILES);
const APP_PAGE = '/index.html';

export function isTrackerTraffic(path: string): boolean {
  return path === '/api' || path.startsWith('/api/') || path.startsWith('/socket.io');
}

export function installShell(event: ExtendableEvent): void {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE_NAME);
      // `reload`: straight from the server, never a stale copy out of the HTTP cache.
      await cache.addAll(SHELL_FILES.map((file) => new Request(file, { cache: 'reload' })));
      // The shell is self-contained per version, so the new one may take over open pages at once;
      // they keep running their loaded code and get the new shell on their next load.
      await worker.skipWaiting();
    })(),
  );
}

export function activateShell(event: ExtendableEvent): void {
  event.waitUntil(
    (async () => {
      const names = await caches.keys();
      await Promise.all(names.filter((name) => name.startsWith(CACHE_PREFIX) && name !== CACHE_NAME).map((name) => caches.delete(name)));
      await worker.clients.claim();
    })(),
  );
}

/** Answers a request from the shell when it is a navigation or a shell file; false when not ours. */
export function answerFromShell(event: FetchEvent, url: URL): boolean {
  if (event.request.mode === 'navigate') {
    event.respondWith(pageFromNetworkOrShell(event.request));
    return true;
  }
  if (SHELL_PATHS.has(url.pathname)) {
    event.respondWith(shellFile(event.request));
    return true;
  }
  return false;
}

async function pageFromNetworkOrShell(request: Request): Promise<Response> {
  try {
    return await fetch(request);
  } catch (error) {
    const cached = await caches.match(APP_PAGE, { cacheName: CACHE_NAME });
    if (cached) return cached;
    throw error;
  }
}

async function shellFile(request: Request): Promise<Response> {
  const cached = await caches.match(request, { cacheName: CACHE_NAME });
  return cached ?? fetch(request);
}

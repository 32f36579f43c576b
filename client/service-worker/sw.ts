/**
 * Shoal's service worker: keeps the app shell (the built index.html, scripts, styles, icons and
 * manifest) in a cache so the app opens without a network and shows what this browser keeps.
 *
 * - The list of shell files and the cache's version are written in by the build
 *   (client/service-worker/vite-plugin.ts); every build has a new version, so a new build installs
 *   a new cache and deletes the old one.
 * - Navigations try the network first (so a deploy is seen at once) and fall back to the cached
 *   index.html; the shell's other files are content-hashed, so the cache answers them first.
 * - The tracker's API and socket (/api, /socket.io) and anything not in the shell are never cached.
 * - A folder's ZIP is streamed to disk through here: the page builds the archive as a stream and
 *   transfers it in a message ('shoal-zip'); its download link (/__shoal/zip/<id>) is answered with
 *   that stream, so the browser writes the archive as it is made (client/folders/folder-zip.ts).
 * - Download notifications are shown through this worker's registration (client/pwa/), which also
 *   works where `new Notification()` is refused (Chrome on Android); clicking one focuses the app.
 *
 * Built as a classic script: no imports. The DOM lib the project compiles against has no service
 * worker types, so the few used here are declared below.
 */
export {};

declare const __SHOAL_SHELL_FILES__: string[];
declare const __SHOAL_BUILD_VERSION__: string;

interface ExtendableEvent extends Event {
  waitUntil(promise: Promise<unknown>): void;
}
interface FetchEvent extends ExtendableEvent {
  readonly request: Request;
  respondWith(response: Response | Promise<Response>): void;
}
interface ExtendableMessageEvent extends ExtendableEvent {
  readonly data: unknown;
  readonly ports: readonly MessagePort[];
}
interface NotificationEvent extends ExtendableEvent {
  readonly notification: Notification;
}
interface WindowClient {
  readonly url: string;
  focus(): Promise<WindowClient>;
}
interface ServiceWorkerScope {
  readonly location: Location;
  readonly registration: ServiceWorkerRegistration;
  readonly clients: {
    claim(): Promise<void>;
    matchAll(options: { type: 'window'; includeUncontrolled: boolean }): Promise<WindowClient[]>;
    openWindow(url: string): Promise<WindowClient | null>;
  };
  skipWaiting(): Promise<void>;
  addEventListener(type: 'install' | 'activate', listener: (event: ExtendableEvent) => void): void;
  addEventListener(type: 'fetch', listener: (event: FetchEvent) => void): void;
  addEventListener(type: 'notificationclick', listener: (event: NotificationEvent) => void): void;
  addEventListener(type: 'message', listener: (event: ExtendableMessageEvent) => void): void;
}

const worker = self as unknown as ServiceWorkerScope;
const CACHE_PREFIX = 'shoal-shell-';
const CACHE_NAME = `${CACHE_PREFIX}${__SHOAL_BUILD_VERSION__}`;
const SHELL_FILES: readonly string[] = __SHOAL_SHELL_FILES__;
const SHELL_PATHS = new Set(SHELL_FILES);
const APP_PAGE = '/index.html';

function isTrackerTraffic(path: string): boolean {
  return path === '/api' || path.startsWith('/api/') || path.startsWith('/socket.io');
}

worker.addEventListener('install', (event) => {
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
});

worker.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      const names = await caches.keys();
      await Promise.all(names.filter((name) => name.startsWith(CACHE_PREFIX) && name !== CACHE_NAME).map((name) => caches.delete(name)));
      await worker.clients.claim();
    })(),
  );
});

const ZIP_PATH_PREFIX = '/__shoal/zip/';
/** Folder ZIP streams handed over by a page, by id, until their download link asks for them (once). */
const pendingZips = new Map<string, { name: string; stream: ReadableStream<Uint8Array> }>();

worker.addEventListener('message', (event) => {
  const data = event.data as { type?: unknown; id?: unknown; name?: unknown; stream?: unknown } | null;
  if (data?.type !== 'shoal-zip' || typeof data.id !== 'string' || typeof data.name !== 'string') return;
  if (!(data.stream instanceof ReadableStream)) return;
  pendingZips.set(data.id, { name: data.name, stream: data.stream as ReadableStream<Uint8Array> });
  event.ports[0]?.postMessage('ready');
});

worker.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== worker.location.origin || isTrackerTraffic(url.pathname)) return;
  if (url.pathname.startsWith(ZIP_PATH_PREFIX)) {
    const id = url.pathname.slice(ZIP_PATH_PREFIX.length);
    const zip = pendingZips.get(id);
    if (zip === undefined) return;
    pendingZips.delete(id);
    event.respondWith(
      new Response(zip.stream, {
        headers: {
          'Content-Type': 'application/zip',
          'Content-Disposition': `attachment; filename*=UTF-8''${encodeURIComponent(zip.name)}`,
        },
      }),
    );
    return;
  }
  if (request.mode === 'navigate') {
    event.respondWith(pageFromNetworkOrShell(request));
  } else if (SHELL_PATHS.has(url.pathname)) {
    event.respondWith(shellFile(request));
  }
});

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

worker.addEventListener('notificationclick', (event) => {
  event.notification.close();
  event.waitUntil(
    (async () => {
      const windows = await worker.clients.matchAll({ type: 'window', includeUncontrolled: true });
      const open = windows[0];
      if (open) await open.focus();
      else await worker.clients.openWindow('/');
    })(),
  );
});

/**
 * Shoal's service worker. Its parts, one module each:
 * - the app shell in the Cache API, so the app opens without a network (shell-cache.ts);
 * - a folder's ZIP streamed to disk as the page makes it, /__shoal/zip/<id> (zip-route.ts);
 * - play while downloading: a media element's range requests, /__shoal/media/<contentId>/<name>,
 *   answered chunk by chunk from the page that plays the file (media-route.ts);
 * - download notifications shown through this worker's registration (client/pwa/), which also
 *   works where `new Notification()` is refused (Chrome on Android); clicking one focuses the app.
 *
 * Pages hand work over in messages parsed with worker-messages.ts; the worker answers each on the
 * message's `ack` port. The build bundles this file and its imports into /sw.js (vite-plugin.ts).
 */
import { isMediaRequest, mediaResponse, registerMedia } from './media-route';
import { activateShell, answerFromShell, installShell, isTrackerTraffic } from './shell-cache';
import { pageToWorkerMessageSchema, ZIP_ROUTE_PREFIX } from './worker-messages';
import { worker } from './worker-scope';
import { acceptZip, zipResponse } from './zip-route';

worker.addEventListener('install', installShell);
worker.addEventListener('activate', activateShell);

worker.addEventListener('message', (event) => {
  const message = pageToWorkerMessageSchema.safeParse(event.data);
  if (!message.success) return;
  // A keep-alive needs no answer: receiving it is what keeps the worker running.
  if (message.data.type === 'shoal-keep-alive') return;
  if (message.data.type === 'shoal-zip') acceptZip(message.data);
  else registerMedia(message.data);
  message.data.ack.postMessage('accepted');
});

worker.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== worker.location.origin || isTrackerTraffic(url.pathname)) return;
  if (url.pathname.startsWith(ZIP_ROUTE_PREFIX)) {
    const zip = zipResponse(url.pathname);
    if (zip !== undefined) event.respondWith(zip);
    return;
  }
  if (isMediaRequest(url.pathname)) {
    event.respondWith(mediaResponse(request, url.pathname, event.clientId));
    return;
  }
  answerFromShell(event, url);
});

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
